using System.Net;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Limits;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// The listener's check of an incoming link against the directory (DESIGN.md, Trusted direct links): a TLS link's hello
/// must name a peer listed with exactly the fingerprint of the certificate it presented, a plain link's a peer listed
/// without a key. A name not listed yet waits a moment for its <c>joined</c>. Refusals are logged once per address per
/// <see cref="PeerAgentOptions.RefusalLogInterval"/>, not once per attempt.
/// </summary>
internal sealed partial class LinkVerifier(PeerDirectory directory, PeerAgentOptions options, TimeProvider time, ILogger logger)
{
    private readonly ILogger _logger = logger;
    private readonly OncePerInterval<IPAddress> _logOnce = new(options.RefusalLogInterval, time);

    /// <summary>Null when the directory vouches for <paramref name="name"/> on this link; else the refusal to send.</summary>
    public async Task<ErrorFrame?> VerifyAsync(string name, string? presentedKey, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var next = directory.NextChange;
            if (directory.Find(name) is { } listed)
            {
                var reason = Check(listed, presentedKey);
                return reason is null ? null : Refuse(remote, name, reason);
            }

            var remaining = options.LinkVerifyWait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return Refuse(remote, name, $"'{name}' is not on the rendezvous server's list of peers.");
            }

            try
            {
                await next.WaitAsync(remaining, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Looked at once more above, then refused.
            }
        }
    }

    private static string? Check(PeerInfo listed, string? presentedKey) => (listed.Key, presentedKey) switch
    {
        _ when listed.Protocol == PeerProtocols.Seed => $"'{listed.Name}' is listed as a classic client, which sends no hello.",
        (null, null) => null,
        ({ } key, { } presented) when string.Equals(key, presented, StringComparison.Ordinal) => null,
        (null, _) => $"'{listed.Name}' is listed without a key: its link cannot be verified over TLS.",
        (_, null) => $"'{listed.Name}' is listed with a key: its link must use TLS with that certificate.",
        _ => $"This certificate is not the one the directory lists for '{listed.Name}'.",
    };

    private ErrorFrame Refuse(IPEndPoint remote, string name, string reason)
    {
        if (_logOnce.TryEnter(remote.Address))
        {
            LogRefused(remote.ToString(), name, reason);
        }

        return new ErrorFrame(ErrorCodes.Unverified, reason);
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused a direct link from {Remote} as '{Name}': {Reason} (further refusals from this address are not logged for a while)")]
    private partial void LogRefused(string remote, string name, string reason);
}
