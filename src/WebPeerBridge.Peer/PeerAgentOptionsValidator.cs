using Microsoft.Extensions.Options;

namespace WebPeerBridge.Peer;

/// <summary>Validates <see cref="PeerAgentOptions"/> by their data annotations, without reflection.</summary>
[OptionsValidator]
public sealed partial class PeerAgentOptionsValidator : IValidateOptions<PeerAgentOptions>;
