using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Sessions;

/// <summary>DESIGN.md, Lifecycles: a bridge restart loses no session.</summary>
public sealed class SessionPersistenceTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("wpb-sessions-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind harms nothing.
        }
    }

    [Fact]
    public async Task A_restarted_bridge_brings_back_the_agent_with_its_key_name_conversations_unread_marks_and_drafts()
    {
        var store = new SessionStore(_data);
        await using var network = await TestNetwork.StartAsync(Ct, store: store);
        var bob = await network.JoinPersonAsync("bob", Ct);
        var id = SessionCookie.NewId();
        var tab = network.Registry.Attach(id);
        Assert.True((await network.Registry.JoinAsync(tab, "alice", Ct)).Success);
        var alice = tab.Agent!;
        var key = alice.Identity.Key;
        var sent = await alice.SendDirectAsync("bob", "before the restart", Ct);
        await Signals.UntilAsync(alice, () => alice.FindDirect("bob")?.Snapshot().Any(m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered) == true, Ct);
        await bob.SendDirectAsync("alice", "unread one", Ct);
        await Signals.UntilAsync(alice, () => alice.FindDirect("bob")?.Unread == 1, Ct);
        tab.SetDraft("bob", "half a thought");

        await network.Registry.DisposeAsync(); // the bridge stops: no bye, the server keeps the name for its token
        await Signals.UntilAsync(bob, () => bob.Peers.Count == 0, Ct);

        await using var restarted = TestNetwork.CreateRegistry(network.Port, store: store);
        await restarted.Registry.RestoreAsync(Ct);
        var back = restarted.Registry.Attach(id);
        await Signals.UntilAsync(back, () => back.Agent is not null, Ct);
        var again = back.Agent!;
        await Signals.UntilAsync(again, () => again.State == RendezvousState.Online, Ct);

        Assert.Equal("alice", again.Name);
        Assert.Equal(key, again.Identity.Key);
        Assert.Equal("half a thought", back.GetDraft("bob"));
        var conversation = again.FindDirect("bob")!;
        Assert.Equal(1, conversation.Unread);
        Assert.Contains(conversation.Snapshot(), m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered);
        Assert.Contains(conversation.Snapshot(), m => m is { Kind: ChatMessageKind.System, SystemLine.Kind: SystemLineKind.BridgeRestarted });
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice" && p.Key == key), Ct);
        var after = await again.SendDirectAsync("bob", "after the restart", Ct);
        await Signals.UntilAsync(again, () => again.FindDirect("bob")!.Snapshot().Any(m => m.Id == after.MessageId && m.State == DeliveryState.Delivered), Ct);
    }

    [Fact]
    public async Task A_session_that_left_is_not_brought_back()
    {
        var store = new SessionStore(_data);
        await using var network = await TestNetwork.StartAsync(Ct, store: store);
        var tab = network.Registry.Attach(SessionCookie.NewId());
        await network.Registry.JoinAsync(tab, "alice", Ct);
        await network.Registry.LeaveAsync(tab, Ct);

        await network.Registry.DisposeAsync();

        var stored = await store.LoadAsync(Ct);
        Assert.Null(Assert.Single(stored).Agent);
    }
}
