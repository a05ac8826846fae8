using System.Text;
using System.Text.RegularExpressions;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Cli.Tests;

/// <summary>What the terminal prints when its stdout blocks long enough for the agent's changes to overflow.</summary>
public sealed class EventPrinterTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private readonly BlockingWriter _stdout = new();
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _stdout.Release(); // never leave the agent's dispatch loop stuck in a write
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
        _stdout.Dispose();
    }

    [Fact]
    public async Task Lines_missed_while_stdout_was_blocked_are_printed_once_after_a_notice()
    {
        // 64: alice's 40 lines and bob's 20 raise 100 changes while stdout is blocked (each of hers added, then delivered),
        // so her queue overflows; nothing arrives after stdout takes lines again, so it overflows once.
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.ChangeQueueCapacity = 64);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "bob"), "alice lists bob", alice);
        await Eventually.HoldsAsync(() => bob.Peers.Any(p => p.Name == "alice"), "bob lists alice", bob);
        using var printer = new EventPrinter(alice, new TerminalOutput(_stdout));
        printer.Start();

        _stdout.Block();
        // Alice's own lines join her conversation as she sends them: far more changes than her queue holds, while
        // the first of them waits in the blocked write.
        for (var i = 1; i <= 40; i++)
        {
            Assert.True((await alice.BroadcastAsync($"alice {i}", Ct)).Accepted);
        }

        for (var i = 1; i <= 20; i++)
        {
            Assert.True((await bob.BroadcastAsync($"bob {i}", Ct)).Accepted);
        }

        await Eventually.HoldsAsync(() => bob.Broadcast.Snapshot().Count(m => m.State == DeliveryState.Delivered) == 20, "bob's lines went out", bob);
        // Alice's subscribers hear nothing while stdout is blocked (her dispatch loop waits in the write), so her state is
        // polled: once her 40 lines are delivered and bob's 20 are in, every change was raised while blocked, and it
        // overflowed exactly once, whatever her read loop's pace.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            var lines = alice.Broadcast.Snapshot();
            return lines.Count(m => m.IsOwn && m.State == DeliveryState.Delivered) == 40 && lines.Count(m => m.From == "bob") == 20;
        }, Timeouts.Await), "alice took in her echoes and bob's lines");
        _stdout.Release();

        var printed = await _stdout.WaitUntilAsync(text => Regex.Count(text, "✓ delivered") == 40 && text.Contains("<bob> bob 20", StringComparison.Ordinal));
        Assert.Single(Regex.Matches(printed, "This terminal fell behind the chat; the lines it missed follow"));
        for (var i = 1; i <= 40; i++)
        {
            Assert.Single(Regex.Matches(printed, $"<alice> alice {i}  \\("));
        }

        for (var i = 1; i <= 20; i++)
        {
            Assert.Single(Regex.Matches(printed, $"<bob> bob {i}$", RegexOptions.Multiline));
        }
    }

    /// <summary>A stdout that can stop taking lines (a terminal scrolled back, a pipe nobody reads), as a console write blocks.</summary>
    private sealed class BlockingWriter : TextWriter
    {
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private readonly Lock _gate = new();
        private readonly StringBuilder _text = new();
        private readonly List<(Func<string, bool> Condition, TaskCompletionSource<string> Done)> _waiters = [];

        public override Encoding Encoding => Encoding.UTF8;

        public void Block() => _open.Reset();

        public void Release() => _open.Set();

        public override void Write(char value) => Append(value.ToString());

        public override void WriteLine(string? value)
        {
            // Bounded, so that a test that fails cannot hang the agent's dispose.
            _open.Wait(Timeouts.Await);
            Append(value + NewLine);
        }

        /// <summary>Completes with all that was written once <paramref name="condition"/> holds for it.</summary>
        public async Task<string> WaitUntilAsync(Func<string, bool> condition)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                var text = _text.ToString();
                if (condition(text))
                {
                    return text;
                }

                _waiters.Add((condition, done));
            }

            try
            {
                return await done.Task.WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    throw new TimeoutException($"Timed out; the terminal printed:\n{_text}");
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _open.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Append(string value)
        {
            lock (_gate)
            {
                _text.Append(value);
                var text = _text.ToString();
                foreach (var waiter in _waiters.Where(w => w.Condition(text)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(text);
                }
            }
        }
    }
}
