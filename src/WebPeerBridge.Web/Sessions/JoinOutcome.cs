namespace WebPeerBridge.Web.Sessions;

/// <summary>Outcome of joining from the join screen: success, or a message for the user and a code for tests.</summary>
internal sealed record JoinOutcome(bool Success, string? Code = null, string? Message = null)
{
    public static readonly JoinOutcome Joined = new(true);

    /// <summary>The bridge hosts its maximum number of agents.</summary>
    public const string Full = "bridge_full";

    /// <summary>The join's remote address has its maximum number of agents.</summary>
    public const string AddressFull = "address_full";

    /// <summary>The join's remote address tried too many joins within a minute.</summary>
    public const string TooManyJoins = "too_many_joins";
}
