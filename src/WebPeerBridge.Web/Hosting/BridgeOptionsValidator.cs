using Microsoft.Extensions.Options;

namespace WebPeerBridge.Web.Hosting;

[OptionsValidator]
internal sealed partial class BridgeOptionsValidator : IValidateOptions<BridgeOptions>;
