using Microsoft.Data.Sqlite;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>A rendezvous server killed with SIGKILL while an agent is online, and started again on its history file.</summary>
public sealed class PeerAgentServerCrashTests : IAsyncDisposable
{
    private const int FloodBound = 200_000;

    private readonly Agents _agents = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("wpb-crash-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HistoryFile => Path.Combine(_directory, "history.db");

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task An_agent_online_across_a_server_crash_shows_every_stored_broadcast_exactly_once()
    {
        var first = await ServerProcess.StartAsync(HistoryFile, Ct);
        var port = first.Port;
        var alice = await _agents.JoinAsync("alice", port);
        await using (first)
        {
            await using var flooder = await RawClient.JoinAsync(port, "flood", RawClient.ClosedPort());
            // The flood goes on until the kill (bounded, far past what a loaded machine stores before alice has seen
            // 300 lines), so the server always dies in the middle of it.
            using var killed = new CancellationTokenSource();
            var flooding = Task.Run(async () =>
            {
                for (var i = 0; i < FloodBound && !killed.IsCancellationRequested; i++)
                {
                    try
                    {
                        await flooder.SayAsync($"f-{i}", $"flood {i}");
                    }
                    catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            }, Ct);
            await Eventually.HoldsAsync(() => ChatLines(alice).Count >= 300, "alice has seen a part of the flood", alice);

            await first.KillAsync();
            await killed.CancelAsync();
            await flooding.WaitAsync(Timeouts.Await, Ct);
        }

        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Reconnecting, "alice is reconnecting", alice);
        await using var second = await ServerProcess.StartAsync(HistoryFile, Ct, port);
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online, "alice is back online", alice);
        await using var later = await RawClient.JoinAsync(port, "later", RawClient.ClosedPort());
        await later.SayAsync("after", "after the crash");
        await Eventually.HoldsAsync(() => ChatLines(alice).Any(m => m.Text == "after the crash"), "the broadcast after the crash arrives", alice);

        var shown = ChatLines(alice);
        // The conversation keeps its newest lines (HistoryCapPerConversation): compare what it holds with the same span.
        var all = await ServerProcess.ReadHistoryAsync(HistoryFile, Ct);
        var stored = all.SkipWhile(s => s.Seq < shown[0].Seq).ToList();
        Assert.Equal(Math.Min(alice.Options.HistoryCapPerConversation, all.Count), shown.Count);
        Assert.Equal(stored.Select(s => s.Seq), shown.Select(m => m.Seq!.Value));
        Assert.Equal(stored.Select(s => s.Text), shown.Select(m => m.Text));
        Assert.True(all.Count < FloodBound, "the kill came after the flood had ended");
    }

    private static List<ChatMessage> ChatLines(PeerAgent agent) =>
        [.. agent.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat)];
}
