using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>The ack timeout on a clock the test moves by hand.</summary>
public sealed class PeerAgentAckTimeoutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestServer _server = null!;
    private FakePeer _mallory = null!;
    private PeerAgent _alice = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _mallory = new FakePeer("mallory");
        var options = Agents.Options("alice", _server.Port);
        options.AckTimeout = TimeSpan.FromSeconds(15);
        _alice = new PeerAgent(options, timeProvider: _time);
        var joined = await _alice.StartAsync(Ct).WaitAsync(Timeouts.Await, Ct);
        Assert.True(joined.Success, joined.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _mallory.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Message_turns_failed_exactly_when_the_ack_timeout_has_passed()
    {
        Assert.True((await _alice.ConnectAsync("127.0.0.1", _mallory.Port, Ct)).Success);
        var sent = await _alice.SendDirectAsync("mallory", "anyone?", Ct);
        await _mallory.NextLineAsync();

        _time.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryState.Sending, State(sent.MessageId));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryState.Failed, State(sent.MessageId));
        Assert.Equal("mallory did not confirm it within 15 s.", _alice.FindDirect("mallory")!.Snapshot().Single(m => m.Id == sent.MessageId).Error);
    }

    private DeliveryState State(string? id) => _alice.FindDirect("mallory")!.Snapshot().Single(m => m.Id == id).State;
}
