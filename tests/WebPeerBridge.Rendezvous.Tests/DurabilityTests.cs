using Microsoft.Data.Sqlite;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>DESIGN.md, "Accepted means stored": a said goes out only once its broadcast is durable.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wpb-durable-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HistoryFile => Path.Combine(_directory, "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_server_killed_during_a_flood_keeps_every_said_it_sent_and_never_hands_out_a_seq_again()
    {
        // The flood goes on until the kill (bounded far past what a loaded machine stores before bob has read 500), so the
        // server always dies in the middle of it.
        const int flood = 200_000;
        using var killed = new CancellationTokenSource();
        var seen = new List<Said>();
        long lastSeenByBob;
        string bobsToken;
        await using (var first = await ServerProcess.StartAsync(HistoryFile, Ct))
        {
            await using var alice = await JoinAsync(first, "alice", 40001);
            var (bob, bobsWelcome) = await JoinWithWelcomeAsync(first, "bob", 40002);
            await using var bobScope = bob;
            bobsToken = bobsWelcome.Token;
            var sending = Task.Run(async () =>
            {
                for (var i = 0; i < flood && !killed.IsCancellationRequested; i++)
                {
                    try
                    {
                        await alice.SendAsync(new Say($"f-{i}", $"flood {i}"), Ct);
                    }
                    catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            }, Ct);

            // Kill it in the middle of the flood, with says on their way and batches being written.
            var bobSaw = new List<Said>();
            while (bobSaw.Count < 500)
            {
                if (await bob.NextAsync(Ct) is Said said)
                {
                    bobSaw.Add(said);
                }
            }

            await first.KillAsync();
            await killed.CancelAsync();
            bobSaw.AddRange((await bob.ReadUntilCloseAsync(flood * 2, Ct)).OfType<Said>());
            var aliceSaw = (await alice.ReadUntilCloseAsync(flood * 2, Ct)).OfType<Said>().ToList();
            await sending.WaitAsync(TestClient.Timeout, Ct);
            Assert.True(bobSaw.Count < flood, "The kill came after the flood had ended: nothing was in flight.");
            seen.AddRange(bobSaw);
            seen.AddRange(aliceSaw);
            lastSeenByBob = bobSaw[^1].Seq;
        }

        await using var second = await ServerProcess.StartAsync(HistoryFile, Ct);
        var stored = await ReadStoredAsync();
        Assert.All(seen, said =>
        {
            Assert.True(stored.TryGetValue(said.Seq, out var text), $"said {said.Seq} was sent but is not in the history");
            Assert.Equal(said.Text, text);
        });
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Keys.Order());

        // Bob comes back with since = the last seq he saw: each broadcast once, none missing. His name waited for his token.
        await using var thief = await TestClient.ConnectAsync(second.EndPoint, Ct);
        await thief.SendAsync(new Hello(Hello.CurrentVersion, "bob", 40009), Ct);
        await thief.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        await using var bobAgain = await TestClient.ConnectAsync(second.EndPoint, Ct);
        var welcome = await bobAgain.HelloAsync(new Hello(Hello.CurrentVersion, "bob", 40002, Since: lastSeenByBob, Resume: bobsToken), Ct);
        Assert.Equal(stored.Keys.Where(s => s > lastSeenByBob).Order(), welcome.History.Select(s => s.Seq));

        await bobAgain.SendAsync(new Say("after", "after the crash"), Ct);
        var next = await bobAgain.NextAsync<Said>(Ct);
        Assert.True(next.Seq > seen.Max(s => s.Seq), $"seq {next.Seq} was handed out before the crash");
        Assert.Equal(stored.Keys.Max() + 1, next.Seq);
    }

    [Fact]
    public async Task A_history_that_cannot_be_written_refuses_says_as_unavailable_echoes_nothing_and_recovers()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.HistoryPath = HistoryFile;
            o.HistoryWriteTimeout = TimeSpan.FromSeconds(1);
        });
        server.ErrorsExpected = true; // the failed writes are logged as errors, as they should be
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);
        var before = await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);

        // Another process holds the file's write lock: every write of the server fails after its timeout.
        await using (var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = HistoryFile, Pooling = false }.ToString()))
        {
            await holder.OpenAsync(Ct);
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync(Ct);
            }

            await alice.SendAsync(new Say("lost-1", "while the disk is gone"), Ct);
            var refused = await alice.NextErrorAsync(ErrorCodes.Unavailable, Ct);
            Assert.Equal("lost-1", refused.Id);
            await alice.AssertOpenAsync(Ct);

            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(Ct);
        }

        // Writes work again: the next broadcast is the next seq, so nothing was said in between, to anyone.
        var after = await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        Assert.Equal(before.Seq + 1, after.Seq);
        var stored = await ReadStoredAsync();
        Assert.DoesNotContain("while the disk is gone", stored.Values);
    }

    private static async Task<TestClient> JoinAsync(ServerProcess server, string name, int peerPort) =>
        (await JoinWithWelcomeAsync(server, name, peerPort)).Client;

    private static async Task<(TestClient Client, Welcome Welcome)> JoinWithWelcomeAsync(ServerProcess server, string name, int peerPort)
    {
        var client = await TestClient.ConnectAsync(server.EndPoint, Ct);
        return (client, await client.HelloAsync(new Hello(Hello.CurrentVersion, name, peerPort), Ct));
    }

    private async Task<Dictionary<long, string>> ReadStoredAsync() =>
        (await ServerProcess.ReadHistoryAsync(HistoryFile, Ct)).ToDictionary(s => s.Seq, s => s.Text);
}
