using System.ComponentModel.DataAnnotations;
using WebPeerBridge.Peer.Rendezvous;

namespace WebPeerBridge.Peer;

/// <summary>Every entry of the list is a rendezvous server as <c>host:port</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RendezvousServersAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is IEnumerable<string> servers && servers.FirstOrDefault(s => !RendezvousServerList.TryParse(s, out _, out _)) is { } bad
            ? new ValidationResult($"A rendezvous server is host:port, e.g. 127.0.0.1:1234, not '{bad}'.", [validationContext.MemberName ?? nameof(PeerAgentOptions.RendezvousServers)])
            : ValidationResult.Success;
}
