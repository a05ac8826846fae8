using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;

namespace WebPeerBridge.Peer.Transport;

/// <summary>
/// One TCP connection: frames (or raw bytes, for seed links) in and out, writes serialized, with the times of the last
/// read and write for keepalive. Owns the socket. <see cref="Abort"/> ends a pending read at once; the owner awaits its
/// read loop and then disposes.
/// </summary>
internal sealed class FrameConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeWriter _output;
    private readonly FrameWriter _writer;
    private readonly FrameReader _reader;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _aborted = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _writeTimeout;
    private long _lastSent;
    private long _lastReceived;
    private int _abortRequested;
    private int _disposed;

    /// <summary>A plain connection over <paramref name="socket"/>.</summary>
    public FrameConnection(Socket socket, int maxFrameBytes, TimeSpan writeTimeout, TimeProvider time)
        : this(socket, new NetworkStream(socket, ownsSocket: false), maxFrameBytes, writeTimeout, time, peerKey: null)
    {
    }

    /// <summary>
    /// A connection over <paramref name="stream"/> (a TLS stream on <paramref name="socket"/>, which it disposes);
    /// <paramref name="peerKey"/> is the fingerprint of the certificate the other side proved it holds. A send that the
    /// other side takes nothing of for <paramref name="writeTimeout"/> closes the connection.
    /// </summary>
    public FrameConnection(Socket socket, Stream stream, int maxFrameBytes, TimeSpan writeTimeout, TimeProvider time, string? peerKey)
    {
        _socket = socket;
        _time = time;
        _writeTimeout = writeTimeout;
        _stream = stream;
        PeerKey = peerKey;
        // Zero-byte reads: an idle connection (most of them, most of the time) waits for data without a rented buffer.
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _writer = new FrameWriter(_output);
        _reader = new FrameReader(Input, maxFrameBytes);
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        RemoteEndPoint = Unmapped(remote);
        _lastSent = _lastReceived = time.GetTimestamp();
    }

    /// <summary>The fingerprint of the other side's TLS certificate; null on a plain connection.</summary>
    public string? PeerKey { get; }

    /// <summary>The other side, IPv4-mapped addresses unmapped.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The raw input, for dialects without frames.</summary>
    public PipeReader Input { get; }

    public TimeSpan SinceLastSent => _time.GetElapsedTime(Interlocked.Read(ref _lastSent));

    public TimeSpan SinceLastReceived => _time.GetElapsedTime(Interlocked.Read(ref _lastReceived));

    public bool IsAborted => Volatile.Read(ref _abortRequested) != 0;

    /// <summary>The next frame, a protocol error, or the end of the stream (also after <see cref="Abort"/>).</summary>
    public async ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        if (IsAborted)
        {
            return FrameReadResult.EndOfStream;
        }

        var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsEndOfStream)
        {
            MarkReceived();
        }

        return result;
    }

    /// <summary><paramref name="remote"/> with an IPv4-mapped IPv6 address as plain IPv4.</summary>
    public static IPEndPoint Unmapped(IPEndPoint remote) =>
        remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;

    public void MarkReceived() => Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());

    /// <summary>Writes one frame. Throws <see cref="IOException"/> when the connection is closed or the write times out.</summary>
    public ValueTask SendAsync(Frame frame, CancellationToken cancellationToken) =>
        WriteAsync(frame, default, cancellationToken);

    /// <summary>Writes bytes as they are (seed links).</summary>
    public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        WriteAsync(null, bytes, cancellationToken);

    /// <summary>Ends reads and writes at once; the read loop sees the end of the stream. Idempotent.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _abortRequested, 1) != 0)
        {
            return;
        }

        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset or closed: nothing left to shut down.
        }

        Input.CancelPendingRead();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        // A write in progress fails quickly after Abort; wait for it so that nobody writes to a completed pipe.
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _writer.Dispose();
            // Completing the writer flushes what a failed write left buffered: to a shut-down socket, which throws.
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The bytes had nowhere to go.
        }
        finally
        {
            _writeGate.Release();
        }

        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Closing a reset connection.
        }

        _socket.Dispose();
        _aborted.Dispose();
    }

    private async ValueTask WriteAsync(Frame? frame, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _disposed) != 0 || IsAborted)
            {
                throw new IOException("The connection is closed.");
            }

            if (frame is not null)
            {
                _writer.Write(frame);
            }
            else
            {
                _output.Write(raw.Span);
            }

            using var deadline = new CancellationTokenSource(_writeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, _aborted.Token);
            FlushResult flushed;
            try
            {
                flushed = await _output.FlushAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Abort();
                throw new IOException(deadline.IsCancellationRequested
                    ? $"The other side took nothing for {_writeTimeout.TotalSeconds:0.#} s."
                    : "The connection is closed.");
            }

            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                throw new IOException("The connection is closed.");
            }

            Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Half a frame may be in the pipe: this connection cannot be written to again.
            Abort();
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
