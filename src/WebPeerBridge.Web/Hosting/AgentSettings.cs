using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// The peer agent settings that the <c>Bridge</c> section sets, under the agent's own names (<c>Bridge:MaxLinks</c> is
/// <see cref="PeerAgentOptions.MaxLinks"/>): one list, so that each setting's default and validation live only in
/// <see cref="PeerAgentOptions"/>. The others keep the agent's defaults; name, server and
/// <see cref="PeerAgentOptions.RestrictUnlistedDials"/> are the bridge's to set per session.
/// </summary>
internal static class AgentSettings
{
    public static IReadOnlyList<string> Names { get; } =
    [
        nameof(PeerAgentOptions.PeerPortMin),
        nameof(PeerAgentOptions.PeerPortMax),
        nameof(PeerAgentOptions.BindAddress),
        nameof(PeerAgentOptions.AdvertisedHost),
        nameof(PeerAgentOptions.HistoryCapPerConversation),
        nameof(PeerAgentOptions.MaxQueuedDirectPerPeer),
        nameof(PeerAgentOptions.MentionListCapacity),
        nameof(PeerAgentOptions.MaxLinks),
        nameof(PeerAgentOptions.MaxLinksPerAddress),
        nameof(PeerAgentOptions.MaxNewLinksPerAddressPerMinute),
        nameof(PeerAgentOptions.MaxSilentLinks),
        nameof(PeerAgentOptions.DirectMessageBurst),
        nameof(PeerAgentOptions.DirectMessagesPerSecond),
        nameof(PeerAgentOptions.MaxDirectConversations),
        nameof(PeerAgentOptions.LinkIdleTimeout),
    ];

    /// <summary>The agents' template: the agent's defaults (and a placeholder name: each agent gets its person's).</summary>
    public static PeerAgentOptions Template() => new() { Name = "agent" };

    /// <summary>Sets on <paramref name="agent"/> the settings of <see cref="Names"/> that <paramref name="bridge"/> (the Bridge section) holds.</summary>
    public static void Bind(IConfigurationSection bridge, PeerAgentOptions agent)
    {
        // Only these keys, still under the section's path, so that an error names the setting as it was written.
        var values = Names.Where(name => bridge[name] is not null).ToDictionary(name => $"{bridge.Path}:{name}", name => bridge[name]);
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(bridge.Path).Bind(agent);
    }
}
