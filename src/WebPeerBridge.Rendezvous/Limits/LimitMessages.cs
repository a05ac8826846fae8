namespace WebPeerBridge.Rendezvous.Limits;

/// <summary>The English text a refused client reads with its <c>too_many</c>.</summary>
internal static class LimitMessages
{
    public static string For(LimitVerdict verdict, RendezvousOptions options) => verdict switch
    {
        LimitVerdict.TooManyConnections => $"The server is full ({options.MaxConnections} connections); try again later.",
        LimitVerdict.TooManyConnectionsFromAddress => $"Too many connections from your address (at most {options.MaxConnectionsPerAddress}).",
        LimitVerdict.TooManyRegistrationsFromAddress => $"Too many peers registered from your address (at most {options.MaxRegistrationsPerAddress}).",
        LimitVerdict.TooManyRegistrationsPerMinute =>
            $"Too many registrations from your address (at most {options.MaxRegistrationsPerAddressPerMinute} a minute); try again in a minute.",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "Not a refusal."),
    };
}
