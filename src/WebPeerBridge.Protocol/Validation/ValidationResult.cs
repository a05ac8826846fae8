namespace WebPeerBridge.Protocol.Validation;

/// <summary>The outcome of a rule: valid, or the <see cref="ErrorCodes"/> value and a message for a person.</summary>
public readonly record struct ValidationResult(string? ErrorCode, string? Message)
{
    public static ValidationResult Ok => default;

    public bool IsValid => ErrorCode is null;

    public static ValidationResult Fail(string errorCode, string message) => new(errorCode, message);
}
