using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Serialization;

/// <summary>A decoded <see cref="Frame"/>, or the <see cref="ErrorCodes"/> value and message that say why there is none.</summary>
public readonly record struct DecodeResult(Frame? Frame, string? ErrorCode, string? ErrorMessage)
{
    public bool IsSuccess => Frame is not null;

    public static DecodeResult Success(Frame frame) => new(frame, null, null);

    public static DecodeResult Fail(string code, string message) => new(null, code, message);
}
