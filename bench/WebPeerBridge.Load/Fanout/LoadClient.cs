using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebPeerBridge.Load.Fanout;

/// <summary>
/// One simulated chat client: a socket, one read loop over a <see cref="PipeReader"/> that classifies lines and records
/// broadcast latencies, and serialized writes.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    private const int PrefixBytes = 512;

    private readonly TargetDialect _dialect;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private PhaseRecorder? _phase;
    private Task? _readLoop;
    private int _disposed;

    public LoadClient(int index, TargetDialect dialect)
    {
        Index = index;
        _dialect = dialect;
    }

    public int Index { get; }

    /// <summary>Completes when the server has registered this client; faults when it refused or closed.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Stopwatch timestamp of <see cref="Ready"/>.</summary>
    public long ReadyAt { get; private set; }

    /// <summary>The first error line the server sent, or why the connection ended early.</summary>
    public string? Error { get; private set; }

    /// <summary>Whether the server closed the connection.</summary>
    public bool Closed { get; private set; }

    /// <summary>Called on the read loop after each broadcast is recorded (the window of a closed-loop run).</summary>
    public Action? OnBroadcast { get; set; }

    /// <summary>Lines received in all, for the curious.</summary>
    public long LinesReceived { get; private set; }

    /// <summary>Connects (from <paramref name="localAddress"/> when given: one loopback address per simulated host) and greets.</summary>
    public async Task ConnectAsync(EndPoint server, CancellationToken cancellationToken, IPAddress? localAddress = null)
    {
        try
        {
            if (localAddress is not null)
            {
                _socket.Bind(new IPEndPoint(localAddress, 0));
            }

            await _socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            _readLoop = Task.Run(() => ReadLoopAsync(_stop.Token), CancellationToken.None);
            var greeting = _dialect.Greeting(Index);
            if (greeting.Length > 0)
            {
                await SendAsync(greeting, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            Fail("connect: " + ex.Message);
        }
    }

    /// <summary>Starts recording a new phase; the previous recorder is left as it was.</summary>
    public PhaseRecorder BeginPhase(int expected, int senders)
    {
        var phase = new PhaseRecorder(expected, senders);
        Volatile.Write(ref _phase, phase);
        return phase;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var input = PipeReader.Create(new NetworkStream(_socket, ownsSocket: false), new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048));
        var scratch = new byte[PrefixBytes];
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var now = Stopwatch.GetTimestamp();
                while (buffer.PositionOf((byte)'\n') is { } eol)
                {
                    var line = buffer.Slice(0, eol);
                    buffer = buffer.Slice(buffer.GetPosition(1, eol));
                    await HandleAsync(Prefix(line, scratch), now, cancellationToken).ConfigureAwait(false);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Error ??= ex.Message;
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Closed = true;
                Fail("the server closed the connection");
            }

            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static ReadOnlyMemory<byte> Prefix(in ReadOnlySequence<byte> line, byte[] scratch)
    {
        var length = (int)Math.Min(line.Length, PrefixBytes);
        if (line.First.Length >= length)
        {
            return line.First[..length];
        }

        line.Slice(0, length).CopyTo(scratch);
        return scratch.AsMemory(0, length);
    }

    private ValueTask HandleAsync(ReadOnlyMemory<byte> line, long receivedAt, CancellationToken cancellationToken)
    {
        LinesReceived++;
        var verdict = _dialect.Classify(line.Span, out var reply);
        switch (verdict)
        {
            case LineVerdict.Broadcast:
                if (Volatile.Read(ref _phase) is { } phase && BenchPayload.TryRead(line.Span, out var sentAt, out var sender, out var number))
                {
                    phase.Record(sender, number, sentAt, receivedAt);
                    OnBroadcast?.Invoke();
                }

                break;
            case LineVerdict.Ready:
                if (!_ready.Task.IsCompleted)
                {
                    ReadyAt = receivedAt;
                    _ready.TrySetResult();
                }

                break;
            case LineVerdict.Error:
                Fail(Encoding.UTF8.GetString(line.Span));
                break;
        }

        return reply is null ? ValueTask.CompletedTask : SendAsync(reply, cancellationToken);
    }

    private void Fail(string error)
    {
        Error ??= error;
        _ready.TrySetException(new IOException($"{TargetDialect.NameOf(Index)}: {error}"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected, or already reset by the server.
        }

        if (_readLoop is not null)
        {
            await _readLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _socket.Dispose();
        _stop.Dispose();
        _writeGate.Dispose();
        _ = _ready.Task.Exception; // observed: a client that never got ready is reported by the runner
    }
}
