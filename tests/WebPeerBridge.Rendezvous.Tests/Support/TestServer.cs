using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>A real <see cref="RendezvousServer"/> on 127.0.0.1 and a free port, with short timeouts for tests.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly RendezvousServer _server;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TestOutputLoggerProvider? _logs;
    private readonly ConcurrentQueue<TestClient> _clients = new();
    private int _stopped;

    private TestServer(RendezvousServer server, ILoggerFactory loggerFactory, TestOutputLoggerProvider? logs, RendezvousOptions options,
        IPEndPoint endPoint)
    {
        _server = server;
        _loggerFactory = loggerFactory;
        _logs = logs;
        Options = options;
        EndPoint = endPoint;
    }

    public RendezvousOptions Options { get; }

    public IPEndPoint EndPoint { get; }

    public RendezvousServer Server => _server;

    /// <summary>Every line the server logged, as the test output shows it (empty when the test has no output).</summary>
    public IReadOnlyCollection<string> LogLines => _logs?.Lines ?? (IReadOnlyCollection<string>)[];

    /// <summary>Completes with the <paramref name="occurrence"/>-th line the server logs (or logged) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLogAsync(string text, CancellationToken cancellationToken, int occurrence = 1, TimeSpan? within = null) =>
        (_logs ?? throw new InvalidOperationException("This test has no output to log to."))
            .WaitForLineAsync(text, occurrence).WaitAsync(within ?? TestClient.Timeout, cancellationToken);

    /// <summary>The test makes the server fail on purpose (a history it cannot write): errors in its log are expected.</summary>
    public bool ErrorsExpected { get; set; }

    /// <summary>Starts a server; <paramref name="configure"/> changes the test defaults (in-memory history, 5 s hello timeout).</summary>
    public static async Task<TestServer> StartAsync(CancellationToken cancellationToken, Action<RendezvousOptions>? configure = null,
        TimeProvider? time = null)
    {
        var options = new RendezvousOptions
        {
            BindAddress = "127.0.0.1",
            Port = 0,
            HistoryPath = ":memory:",
            HelloTimeout = TimeSpan.FromSeconds(5),
            SweepInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        var validation = new RendezvousOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);

        // The server's log goes to the test's output (shown when it fails).
        var output = TestContext.Current.TestOutputHelper;
        var logs = output is null ? null : new TestOutputLoggerProvider(output, LogLevel.Debug);
        var loggerFactory = logs is null
            ? NullLoggerFactory.Instance
            : LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var server = new RendezvousServer(Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System, loggerFactory);
        try
        {
            await server.StartAsync(cancellationToken);
            var endPoint = await server.WaitUntilListeningAsync(cancellationToken).WaitAsync(TestClient.Timeout, cancellationToken);
            return new TestServer(server, loggerFactory, logs, options, endPoint);
        }
        catch
        {
            server.Dispose();
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>Connects a client; the server disposes it with itself.</summary>
    public async Task<TestClient> ConnectAsync(CancellationToken cancellationToken, int? receiveBufferSize = null, IPAddress? from = null)
    {
        var client = await TestClient.ConnectAsync(EndPoint, cancellationToken, receiveBufferSize, from);
        _clients.Enqueue(client);
        return client;
    }

    /// <summary>Connects and registers <paramref name="name"/>; the welcome must be the first frame.</summary>
    public async Task<(TestClient Client, Welcome Welcome)> JoinAsync(string name, int peerPort, CancellationToken cancellationToken,
        long? since = null, string? resume = null, string? host = null, int? receiveBufferSize = null, IPAddress? from = null)
    {
        var client = await ConnectAsync(cancellationToken, receiveBufferSize, from);
        var welcome = await client.HelloAsync(new Hello(Hello.CurrentVersion, name, peerPort, host, since, resume), cancellationToken);
        Assert.Equal(name, welcome.You.Name);
        return (client, welcome);
    }

    /// <summary>
    /// Proves that the network still works: <paramref name="from"/> broadcasts and both it and <paramref name="to"/> get the
    /// <c>said</c> as their very next frame.
    /// </summary>
    public static async Task<Said> AssertBroadcastFlowsAsync(TestClient from, TestClient to, CancellationToken cancellationToken)
    {
        var id = "check-" + Guid.NewGuid().ToString("N")[..8];
        await from.SendAsync(new Say(id, "still chatting"), cancellationToken);
        var echo = await from.NextAsync<Said>(cancellationToken);
        Assert.Equal(id, echo.Id);
        Assert.Equal("still chatting", echo.Text);
        var received = await to.NextAsync<Said>(cancellationToken);
        Assert.Equal(echo, received);
        return echo;
    }

    /// <summary>Stops the server as a host does at Ctrl+C: connections close and the history is flushed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _server.StopAsync(cancellationToken).WaitAsync(TestClient.Timeout, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            while (_clients.TryDequeue(out var client))
            {
                await client.DisposeAsync();
            }

            await StopAsync(CancellationToken.None);
        }
        finally
        {
            _server.Dispose();
            _loggerFactory.Dispose();
        }

        // Whatever a test's clients did, the server had nothing to log as an error.
        Assert.True(_logs is null || ErrorsExpected || _logs.Errors.IsEmpty, "The server logged errors:\n" + string.Join('\n', _logs?.Errors ?? []));
    }
}
