using Microsoft.Extensions.Options;

namespace WebPeerBridge.Rendezvous;

/// <summary>Validates <see cref="RendezvousOptions"/> by their data annotations, without reflection.</summary>
[OptionsValidator]
public sealed partial class RendezvousOptionsValidator : IValidateOptions<RendezvousOptions>;
