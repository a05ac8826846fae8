using Microsoft.Extensions.Options;
using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Hosting;

/// <summary>Validates the agents' settings of the Bridge section by the agent's own rules, naming them as they are written.</summary>
internal sealed class BridgeAgentOptionsValidator : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var agent = new PeerAgentOptionsValidator().Validate(name, options.Agent);
        List<string> failures = agent.Failed ? [.. agent.Failures.Select(f => $"{BridgeOptions.SectionName}:{f}")] : [];
        if (options.Agent.PeerPortMin > options.Agent.PeerPortMax)
        {
            failures.Add("Bridge:PeerPortMin must not be above Bridge:PeerPortMax.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
