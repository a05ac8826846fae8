using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WebPeerBridge.Load.Relay;

/// <summary>One client of the <see cref="RawRelayServer"/>: a read loop that hands whole lines to the relay, and a write loop.</summary>
internal sealed class RelayConnection(Socket socket, RawRelayServer relay) : IDisposable
{
    private const int MaxLineBytes = 64 * 1024;
    private const int QueueCapacity = 1024;

    private readonly Channel<ReadOnlyMemory<byte>> _outbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _closing = new();
    private int _closed;

    public bool TryEnqueue(ReadOnlyMemory<byte> lines) => _outbox.Writer.TryWrite(lines);

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _outbox.Writer.TryComplete();
            _closing.Cancel();
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var link = stopping.Register(Close);
        var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        var writeLoop = Task.Run(() => WriteLoopAsync(output), CancellationToken.None);
        try
        {
            await ReadLoopAsync(input, _closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away.
        }
        finally
        {
            relay.Remove(this);
            Close();
            await writeLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
            socket.Dispose();
            Dispose();
        }
    }

    public void Dispose() => _closing.Dispose();

    private async Task ReadLoopAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            // Everything up to the last newline goes out as one shared chunk: no per-line work at all.
            if (LastNewline(buffer) is { } end)
            {
                var lines = buffer.Slice(0, buffer.GetPosition(1, end));
                relay.Broadcast(lines.ToArray());
                buffer = buffer.Slice(lines.End);
            }
            else if (buffer.Length > MaxLineBytes)
            {
                return;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static SequencePosition? LastNewline(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            var index = buffer.FirstSpan.LastIndexOf((byte)'\n');
            return index < 0 ? null : buffer.GetPosition(index);
        }

        SequencePosition? last = null;
        var rest = buffer;
        while (rest.PositionOf((byte)'\n') is { } eol)
        {
            last = eol;
            rest = rest.Slice(rest.GetPosition(1, eol));
        }

        return last;
    }

    private async Task WriteLoopAsync(PipeWriter output)
    {
        var outbox = _outbox.Reader;
        try
        {
            while (await outbox.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (output.UnflushedBytes < 64 * 1024 && outbox.TryRead(out var lines))
                {
                    output.Write(lines.Span);
                }

                var flush = await output.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or we are closing.
        }
        finally
        {
            Close();
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }
}
