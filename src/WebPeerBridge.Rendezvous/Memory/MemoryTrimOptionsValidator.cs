using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol.Memory;

namespace WebPeerBridge.Rendezvous.Memory;

/// <summary>Validates <see cref="MemoryTrimOptions"/> by their data annotations, without reflection.</summary>
[OptionsValidator]
public sealed partial class MemoryTrimOptionsValidator : IValidateOptions<MemoryTrimOptions>;
