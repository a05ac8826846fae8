using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>
/// The classroom's <c>client.py</c> as the server sees it (DESIGN.md, "Seed compatibility"): it sends
/// <c>name;peer_port=N</c> and each text as one send without a newline, and a listen thread calls <c>recv(2048)</c> and
/// <c>decode('utf-8')</c> on every chunk on its own, forever. A chunk that does not decode on its own would silence the
/// real client for good: here it fails the test.
/// </summary>
internal sealed class SeedTestClient : IAsyncDisposable
{
    /// <summary>The seed client's read size.</summary>
    public const int RecvSize = 2048;

    // Python's bytes.decode('utf-8'): strict, no state carried from one chunk to the next.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Socket _socket;
    private readonly Thread _listenThread;
    private readonly Channel<SeedChunk> _received = Channel.CreateBounded<SeedChunk>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly List<SeedChunk> _chunks = [];
    private readonly Lock _gate = new();
    private readonly StringBuilder _pending = new();
    private string? _decodeFailure;
    private bool _endOfStream;
    private int _disposed;

    private SeedTestClient(Socket socket)
    {
        _socket = socket;
        // A blocking recv on a thread of its own, like client.py's listen thread: it is back in recv as soon as it has
        // stored a chunk, whereas a thread-pool continuation can be late on a loaded machine and read two writes at once.
        _listenThread = new Thread(Listen) { IsBackground = true, Name = "seed listen" };
    }

    /// <summary>Every chunk read so far, in order.</summary>
    public IReadOnlyList<SeedChunk> Chunks
    {
        get
        {
            lock (_gate)
            {
                return [.. _chunks];
            }
        }
    }

    /// <summary>Connects to <paramref name="server"/> and starts reading, as <c>connect()</c> does before it sends its name.</summary>
    public static async Task<SeedTestClient> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (from is not null)
            {
                // Another host as the server sees it.
                socket.Bind(new IPEndPoint(from, 0));
            }

            await socket.ConnectAsync(server, cancellationToken).AsTask().WaitAsync(TestClient.Timeout, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new SeedTestClient(socket);
        client._listenThread.Start();
        return client;
    }

    /// <summary>Connects and sends <c>name;peer_port=N</c>; the first line read is the welcome notice's first line.</summary>
    public static async Task<(SeedTestClient Client, string FirstLine)> JoinAsync(IPEndPoint server, string name, int peerPort,
        CancellationToken cancellationToken, IPAddress? from = null)
    {
        var client = await ConnectAsync(server, cancellationToken, from);
        try
        {
            await client.SendAsync($"{name};peer_port={peerPort}", cancellationToken);
            return (client, await client.NextLineAsync(cancellationToken));
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>One <c>sendall</c> of the UTF-8 bytes of <paramref name="text"/>: no newline, no framing.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).AsTask().WaitAsync(TestClient.Timeout, cancellationToken);
        Assert.Equal(bytes.Length, sent);
    }

    /// <summary>The next line of what the seed client showed, without its newline; fails on end of stream or a timeout.</summary>
    public async Task<string> NextLineAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        Assert.True(line is not null, "The server closed the seed client's socket; a notice was expected." + Describe());
        return line;
    }

    /// <summary>Skips lines until one contains <paramref name="text"/> (at most <paramref name="maxLines"/>) and returns it.</summary>
    public async Task<string> NextLineContainingAsync(string text, CancellationToken cancellationToken, int maxLines = 50)
    {
        var skipped = new List<string>();
        while (skipped.Count < maxLines)
        {
            var line = await NextLineAsync(cancellationToken);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }

            skipped.Add(line);
        }

        Assert.Fail($"No line containing \"{text}\" among {maxLines}:\n{string.Join('\n', skipped)}");
        return "";
    }

    /// <summary>Reads until the server closes the socket and returns every line read on the way (at most 100).</summary>
    public async Task<List<string>> ReadUntilCloseAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (lines.Count < 100)
        {
            if (await ReadLineAsync(cancellationToken) is not { } line)
            {
                return lines;
            }

            lines.Add(line);
        }

        Assert.Fail("The server sent more than 100 lines without closing.");
        return lines;
    }

    /// <summary>
    /// Proves an absence: nothing arrives, and the socket is not closed, within <paramref name="wait"/>. The one timed wait
    /// of these tests, kept short.
    /// </summary>
    public async Task AssertNothingWithinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Assert.True(_pending.Length == 0, $"Unread text: {_pending}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            var more = await _received.Reader.WaitToReadAsync(timeout.Token);
            Assert.Fail(more
                ? $"Expected nothing, got: {Describe()}"
                : "Expected the socket to stay open, but the server closed it." + Describe());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing came, and no end of stream: as expected.
        }
    }

    /// <summary>Closes the socket without <c>close</c>: the window shut or the process killed.</summary>
    public void Disconnect() => _socket.Shutdown(SocketShutdown.Both);

    /// <summary>Resets the connection (RST), as a crashed machine would.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset or closed by the test.
        }

        _socket.Dispose();
        // The shutdown ends the blocking recv: the listen thread stops by itself.
        await Task.Run(() => _listenThread.Join(TestClient.Timeout), CancellationToken.None);
    }

    // The listen thread: recv(2048) and decode('utf-8') of each chunk on its own, until end of stream.
    private void Listen()
    {
        var buffer = new byte[RecvSize];
        while (true)
        {
            int count;
            try
            {
                count = _socket.Receive(buffer, 0, RecvSize, SocketFlags.None);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                break;
            }

            if (count == 0)
            {
                break;
            }

            var bytes = buffer.AsSpan(0, count).ToArray();
            string text;
            try
            {
                text = s_strictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                lock (_gate)
                {
                    _decodeFailure ??= $"A chunk of {count} bytes did not decode on its own ({ex.Message}): {Convert.ToHexString(bytes)}";
                }

                // The real client's listen thread dies here; this one stops too.
                break;
            }

            var chunk = new SeedChunk(bytes, text);
            lock (_gate)
            {
                _chunks.Add(chunk);
            }

            if (!_received.Writer.TryWrite(chunk))
            {
                lock (_gate)
                {
                    _decodeFailure ??= "More chunks than a test should ever get.";
                }

                break;
            }
        }

        _received.Writer.TryComplete();
    }

    // Null at the end of the stream (with no partial line left); fails on a chunk that did not decode.
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestClient.Timeout);
        while (true)
        {
            lock (_gate)
            {
                Assert.True(_decodeFailure is null, _decodeFailure);
                var text = _pending.ToString();
                var eol = text.IndexOf('\n', StringComparison.Ordinal);
                if (eol >= 0)
                {
                    _pending.Remove(0, eol + 1);
                    return text[..eol];
                }

                if (_endOfStream)
                {
                    Assert.True(text.Length == 0, $"The server closed the socket after a notice without its newline: {text}");
                    return null;
                }
            }

            SeedChunk chunk;
            try
            {
                if (!await _received.Reader.WaitToReadAsync(timeout.Token))
                {
                    lock (_gate)
                    {
                        _endOfStream = true;
                    }

                    continue;
                }

                chunk = await _received.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Nothing from the server within {TestClient.Timeout.TotalSeconds} s." + Describe());
            }

            lock (_gate)
            {
                _pending.Append(chunk.Text);
            }
        }
    }

    private string Describe()
    {
        lock (_gate)
        {
            return $"\nUnread: \"{_pending}\"; chunks so far: {_chunks.Count}" + (_decodeFailure is null ? "" : "; " + _decodeFailure);
        }
    }
}
