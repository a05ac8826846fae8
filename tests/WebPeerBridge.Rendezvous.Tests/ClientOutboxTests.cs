using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Connections;
using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>A client's queue without a lock per operation: its bounds, its order, and its one waiting reader.</summary>
public sealed class ClientOutboxTests
{
    private static readonly Outbound s_line = new(Pong.Instance, new byte[100]);

    [Fact]
    public void Writes_past_the_frame_bound_or_the_byte_bound_are_refused_and_reading_frees_room()
    {
        var byFrames = new ClientOutbox(maxFrames: 3, maxBytes: 1_000_000);
        Assert.True(byFrames.TryWrite(s_line) && byFrames.TryWrite(s_line) && byFrames.TryWrite(s_line));
        Assert.False(byFrames.TryWrite(s_line));
        Assert.True(byFrames.TryRead(out _));
        Assert.True(byFrames.TryWrite(s_line));

        var byBytes = new ClientOutbox(maxFrames: 1000, maxBytes: 250);
        Assert.True(byBytes.TryWrite(s_line) && byBytes.TryWrite(s_line));
        Assert.False(byBytes.TryWrite(s_line));
        Assert.Equal(200, byBytes.QueuedBytes);
        Assert.Equal(2, byBytes.QueuedFrames);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_a_write_gets_frames_in_order_and_ends_after_complete_once_drained()
    {
        var outbox = new ClientOutbox(100, 100_000);
        var waiting = outbox.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        var lines = Enumerable.Range(1, 5).Select(n => new Outbound(Pong.Instance, new byte[n])).ToArray();
        foreach (var line in lines)
        {
            Assert.True(outbox.TryWrite(line));
        }

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        outbox.Complete();
        Assert.False(outbox.TryWrite(s_line));

        var read = new List<int>();
        while (await outbox.WaitToReadAsync())
        {
            while (outbox.TryRead(out var frame))
            {
                read.Add(frame.Line.Length);
            }
        }

        Assert.Equal([1, 2, 3, 4, 5], read);
    }

    [Fact]
    public async Task Complete_wakes_a_reader_waiting_on_an_empty_outbox()
    {
        var outbox = new ClientOutbox(10, 10_000);
        var waiting = outbox.WaitToReadAsync().AsTask();

        outbox.Complete();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(outbox.TryRead(out _));
        Assert.False(await outbox.WaitToReadAsync());
    }

    [Fact]
    public async Task Many_writers_and_one_reader_lose_nothing()
    {
        var outbox = new ClientOutbox(1_000_000, long.MaxValue);
        const int Writers = 4;
        const int Each = 20_000;
        var reading = Task.Run(async () =>
        {
            var count = 0;
            while (await outbox.WaitToReadAsync())
            {
                while (outbox.TryRead(out _))
                {
                    count++;
                }
            }

            return count;
        }, TestContext.Current.CancellationToken);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < Each; i++)
            {
                Assert.True(outbox.TryWrite(s_line));
            }
        }, TestContext.Current.CancellationToken)));
        outbox.Complete();

        Assert.Equal(Writers * Each, await reading.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }
}
