using Microsoft.Data.Sqlite;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

public sealed class HistoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wpb-history-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HistoryFile => Path.Combine(_directory, "history.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_restart_keeps_the_history_and_seq_continues()
    {
        var before = new List<Said>();
        await using (var first = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile))
        {
            var (alice, _) = await first.JoinAsync("alice", 40001, Ct);
            for (var i = 1; i <= 3; i++)
            {
                await alice.SendAsync(new Say($"r-{i}", $"before the restart {i}"), Ct);
                before.Add(await alice.NextAsync<Said>(Ct));
            }

            await first.StopAsync(Ct);
        }

        await using var second = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile);
        var (bob, welcome) = await second.JoinAsync("bob", 40002, Ct);

        Assert.Equal(before, welcome.History);
        Assert.Equal([1L, 2L, 3L], welcome.History.Select(s => s.Seq));
        await bob.SendAsync(new Say("after", "after the restart"), Ct);
        Assert.Equal(4, (await bob.NextAsync<Said>(Ct)).Seq);
    }

    [Fact]
    public async Task A_restart_forgets_presence_but_keeps_each_name_for_its_token()
    {
        string token;
        await using (var first = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile))
        {
            var (_, welcome) = await first.JoinAsync("alice", 40001, Ct);
            token = welcome.Token;
        }

        await using var second = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile);
        var (_, bobWelcome) = await second.JoinAsync("bob", 40002, Ct);
        Assert.Empty(bobWelcome.Peers);
        var thief = await second.ConnectAsync(Ct);
        await thief.SendAsync(new Hello(Hello.CurrentVersion, "ALICE", 40009), Ct);
        await thief.NextErrorAsync(WebPeerBridge.Protocol.ErrorCodes.NameTaken, Ct);
        var (_, aliceWelcome) = await second.JoinAsync("alice", 40001, Ct, resume: token);
        Assert.NotEqual(token, aliceWelcome.Token);
    }

    [Fact]
    public async Task Stopping_the_server_right_after_broadcasts_loses_none_of_the_accepted_ones()
    {
        const int count = 300;
        var accepted = new List<Said>();
        await using (var server = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile))
        {
            var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
            for (var i = 0; i < count; i++)
            {
                await alice.SendAsync(new Say($"s-{i}", $"shutdown {i}"), Ct);
            }

            // Stop (what Ctrl+C does) as soon as the first is accepted, with most still on their way.
            accepted.Add(await alice.NextAsync<Said>(Ct));
            var stopping = server.StopAsync(Ct);
            foreach (var frame in await alice.ReadUntilCloseAsync(count + 10, Ct))
            {
                accepted.Add(Assert.IsType<Said>(frame));
            }

            await stopping;
        }

        // Every broadcast the server acknowledged is in the file, as it was sent.
        var stored = await ReadStoredAsync(HistoryFile);
        Assert.Equal(accepted.Select(s => (s.Seq, s.Id, s.From, s.Text)), stored.Take(accepted.Count));
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(s => s.Seq));
    }

    [Fact]
    public async Task All_broadcasts_are_in_the_history_file_after_a_stop()
    {
        const int count = 100;
        await using (var server = await TestServer.StartAsync(Ct, o => o.HistoryPath = HistoryFile))
        {
            var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
            for (var i = 0; i < count; i++)
            {
                await alice.SendAsync(new Say($"s-{i}", $"message {i}"), Ct);
            }

            for (var i = 0; i < count; i++)
            {
                await alice.NextAsync<Said>(Ct);
            }

            await server.StopAsync(Ct);
        }

        var stored = await ReadStoredAsync(HistoryFile);
        Assert.Equal(Enumerable.Range(0, count).Select(i => ((long)i + 1, (string?)$"s-{i}", "alice", $"message {i}")), stored);
    }

    [Fact]
    public async Task Since_replays_exactly_the_missed_broadcasts_oldest_first()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.WelcomeHistoryCount = 5);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var all = await BroadcastAsync(alice, 12);

        var (_, after6) = await server.JoinAsync("bob", 40002, Ct, since: 6);
        // since reaches past the welcome count: every missed one, not only the last five.
        var (_, after0) = await server.JoinAsync("carol", 40003, Ct, since: 0);
        var (_, upToDate) = await server.JoinAsync("dave", 40004, Ct, since: 12);

        Assert.Equal(all.Skip(6), after6.History);
        Assert.Null(after6.Skipped);
        Assert.Equal(all, after0.History);
        Assert.Empty(upToDate.History);
        Assert.Null(upToDate.Skipped);
    }

    [Fact]
    public async Task A_since_ahead_of_the_log_acts_as_no_since()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.WelcomeHistoryCount = 5);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var all = await BroadcastAsync(alice, 8);

        var (_, welcome) = await server.JoinAsync("bob", 40002, Ct, since: 1000);

        Assert.Equal(all.Skip(3), welcome.History);
    }

    [Fact]
    public async Task A_welcome_without_since_carries_the_last_welcome_history_count_broadcasts()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.WelcomeHistoryCount = 5);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (_, empty) = await server.JoinAsync("early", 40009, Ct);
        await alice.NextAsync<Joined>(Ct);
        var first = await BroadcastAsync(alice, 3);
        var (_, partial) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);
        var all = first.Concat(await BroadcastAsync(alice, 9, startAt: 4)).ToList();

        var (_, welcome) = await server.JoinAsync("carol", 40003, Ct);

        Assert.Empty(empty.History);
        Assert.Equal(first, partial.History);
        Assert.Equal(all.Skip(7), welcome.History);
        Assert.Equal([8L, 9L, 10L, 11L, 12L], welcome.History.Select(s => s.Seq));
        Assert.Null(welcome.Skipped);
    }

    [Fact]
    public async Task A_welcome_over_the_history_byte_bound_leaves_out_the_oldest_and_says_how_many_were_skipped()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.WelcomeHistoryCount = 5;
            o.WelcomeHistoryMaxBytes = 1000;
        });
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var all = await BroadcastAsync(alice, 10, text: new string('b', 300));

        var (_, recent) = await server.JoinAsync("bob", 40002, Ct);
        var (_, replay) = await server.JoinAsync("carol", 40003, Ct, since: 0);

        // The newest that fit, contiguous up to the last; skipped counts the older ones asked for but left out.
        Assert.InRange(recent.History.Count, 1, 3);
        Assert.Equal(all.TakeLast(recent.History.Count), recent.History);
        Assert.Equal(5 - recent.History.Count, recent.Skipped);
        Assert.Equal(all.TakeLast(replay.History.Count), replay.History);
        Assert.Equal(10 - replay.History.Count, replay.Skipped);
    }

    private static async Task<List<Said>> BroadcastAsync(TestClient client, int count, int startAt = 1, string? text = null)
    {
        var saids = new List<Said>();
        for (var i = startAt; i < startAt + count; i++)
        {
            await client.SendAsync(new Say($"h-{i}", text ?? $"history {i}"), Ct);
            var said = await client.NextAsync<Said>(Ct);
            Assert.Equal($"h-{i}", said.Id);
            saids.Add(said);
        }

        return saids;
    }

    private static async Task<List<(long Seq, string? Id, string From, string Text)>> ReadStoredAsync(string path)
    {
        var rows = new List<(long, string?, string, string)>();
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, sender, text FROM broadcasts ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }
}
