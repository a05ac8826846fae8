using Microsoft.Extensions.Options;

namespace WebPeerBridge.Web.Hosting;

[OptionsValidator]
internal sealed partial class RendezvousClientOptionsValidator : IValidateOptions<RendezvousClientOptions>;
