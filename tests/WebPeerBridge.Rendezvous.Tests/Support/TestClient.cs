using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>
/// A protocol v1 client over a real socket, as plain as netcat: it reads only when asked, one line at a time, and skips
/// nothing, so a test sees every frame the server sent, in order. A client that is never asked to read never reads.
/// </summary>
internal sealed class TestClient : IAsyncDisposable
{
    /// <summary>How long a test waits for one frame or a close: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private int _disposed;

    private TestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>The client's own port: the server sees it as this connection's remote port.</summary>
    public int LocalPort => ((IPEndPoint)_tcp.Client.LocalEndPoint!).Port;

    /// <summary>
    /// Connects to <paramref name="server"/>; <paramref name="receiveBufferSize"/> shrinks the socket's receive window (slow
    /// clients); <paramref name="from"/> is the loopback address to connect from (another host as the server sees it).
    /// </summary>
    public static async Task<TestClient> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken, int? receiveBufferSize = null,
        IPAddress? from = null)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                tcp.Client.Bind(new IPEndPoint(from, 0));
            }

            if (receiveBufferSize is { } size)
            {
                // Set before connecting, so that the window the server sees is small from the start.
                tcp.ReceiveBufferSize = size;
            }

            await tcp.ConnectAsync(server, cancellationToken).AsTask().WaitAsync(Timeout, cancellationToken);
            return new TestClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public Task SendAsync(Frame frame, CancellationToken cancellationToken) => SendRawAsync(FrameCodec.ToLine(frame), cancellationToken);

    public Task SendRawAsync(string text, CancellationToken cancellationToken) => SendRawAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken).AsTask().WaitAsync(Timeout, cancellationToken);

    /// <summary>Sends a hello and returns the welcome, which must be the next frame.</summary>
    public async Task<Welcome> HelloAsync(Hello hello, CancellationToken cancellationToken)
    {
        await SendAsync(hello, cancellationToken);
        return await NextAsync<Welcome>(cancellationToken);
    }

    /// <summary>The next line as the server wrote it (without its newline); fails on a close or after <see cref="Timeout"/>.</summary>
    public async Task<string> NextLineAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        Assert.True(line is not null, "The server closed the connection; a frame was expected.");
        return line;
    }

    /// <summary>The next frame, whatever it is.</summary>
    public Task<Frame> NextAsync(CancellationToken cancellationToken) => NextAsync(Timeout, cancellationToken);

    /// <summary>The next frame, waiting for it up to <paramref name="within"/> instead of <see cref="Timeout"/>.</summary>
    public async Task<Frame> NextAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken, within: within);
        Assert.True(line is not null, "The server closed the connection; a frame was expected.");
        var decoded = FrameCodec.Decode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));
        Assert.True(decoded.IsSuccess, $"The server sent an undecodable line ({decoded.ErrorCode}: {decoded.ErrorMessage}): {line}");
        return decoded.Frame!;
    }

    /// <summary>The next frame, which must be a <typeparamref name="TFrame"/>.</summary>
    public async Task<TFrame> NextAsync<TFrame>(CancellationToken cancellationToken)
        where TFrame : Frame
    {
        var frame = await NextAsync(cancellationToken);
        Assert.True(frame is TFrame, $"Expected a {typeof(TFrame).Name} frame, got {frame}.");
        return (TFrame)frame;
    }

    /// <summary>The next frame, which must be an error with <paramref name="code"/>.</summary>
    public async Task<ErrorFrame> NextErrorAsync(string code, CancellationToken cancellationToken)
    {
        var error = await NextAsync<ErrorFrame>(cancellationToken);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    /// <summary>Asserts that the link is still open and in order: a ping is answered by a pong as the very next frame.</summary>
    public async Task AssertOpenAsync(CancellationToken cancellationToken)
    {
        await SendAsync(Ping.Instance, cancellationToken);
        await NextAsync<Pong>(cancellationToken);
    }

    /// <summary>Waits until the server closes the connection (end of stream or reset); fails if a frame comes first.</summary>
    public async Task WaitForCloseAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await ReadLineAsync(cancellationToken);
        }
        catch (IOException)
        {
            // Reset by the server (it closed with our bytes unread): closed all the same.
            return;
        }

        Assert.True(line is null, $"Expected the server to close the connection, got: {line}");
    }

    /// <summary>
    /// Reads every frame until the server closes the connection (at most <paramref name="maxFrames"/>). A line cut short by
    /// the close is tolerated: a server drops a stuck client in the middle of whatever it was sending.
    /// </summary>
    public async Task<List<Frame>> ReadUntilCloseAsync(int maxFrames, CancellationToken cancellationToken)
    {
        var frames = new List<Frame>();
        while (frames.Count < maxFrames)
        {
            string? line;
            try
            {
                line = await ReadLineAsync(cancellationToken, tolerateCutLine: true);
            }
            catch (IOException)
            {
                return frames;
            }

            if (line is null)
            {
                return frames;
            }

            var decoded = FrameCodec.Decode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));
            Assert.True(decoded.IsSuccess, $"The server sent an undecodable line ({decoded.ErrorCode}): {line}");
            frames.Add(decoded.Frame!);
        }

        Assert.Fail($"The server sent more than {maxFrames} frames without closing.");
        return frames;
    }

    /// <summary>Closes the socket without a bye (a FIN): an abrupt disconnect as the server sees it.</summary>
    public void CloseAbruptly() => _tcp.Client.Shutdown(SocketShutdown.Both);

    /// <summary>Resets the connection (RST), as a crashed process or a pulled cable would.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _input.CompleteAsync();
        _tcp.Dispose();
    }

    // Null at the end of the stream. Server frames may be large (a welcome): the client-side limit applies.
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken, bool tolerateCutLine = false, TimeSpan? within = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within ?? Timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Nothing from the server within {(within ?? Timeout).TotalSeconds} s.");
            }

            var buffer = result.Buffer;
            var status = LineFramer.TryReadLine(ref buffer, ProtocolLimits.MaxServerFrameBytes, out var line);
            if (status == LineStatus.Line)
            {
                var text = Encoding.UTF8.GetString(line);
                _input.AdvanceTo(buffer.Start);
                return text;
            }

            Assert.True(status != LineStatus.TooLong, "The server sent a line over the client limit.");
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty || tolerateCutLine, $"The server closed the connection in the middle of a line: {Encoding.UTF8.GetString(buffer)}");
                _input.AdvanceTo(buffer.End);
                return null;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
