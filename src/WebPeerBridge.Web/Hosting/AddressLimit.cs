namespace WebPeerBridge.Web.Hosting;

/// <summary>A limit on what one remote address may make the web app hold or do.</summary>
internal enum AddressLimit
{
    AgentsPerAddress,
    JoinsPerAddressPerMinute,
    CircuitsPerSession,
    CircuitsPerAddress,
    PageRequestsPerAddressPerMinute,
    ConnectionsPerAddress,
}
