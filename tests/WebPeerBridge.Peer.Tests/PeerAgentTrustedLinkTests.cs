using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Identity;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>DESIGN.md, Trusted direct links: real TLS on loopback, checked against the directory both ways.</summary>
public sealed class PeerAgentTrustedLinkTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Two_keyed_agents_exchange_direct_messages_over_verified_links_with_receipts()
    {
        var (alice, bob) = await JoinPairAsync();
        Assert.Equal(bob.Identity.Key, alice.Peers.Single().Key);

        var there = await alice.SendDirectAsync("bob", "over tls", Ct);
        var back = await bob.SendDirectAsync("alice", "and back", Ct);

        Assert.Equal(SendOutcome.Sent, there.Outcome);
        Assert.Equal(SendOutcome.Sent, back.Outcome);
        await Eventually.HoldsAsync(() => Delivered(alice, "bob", there.MessageId) && Delivered(bob, "alice", back.MessageId),
            "both dms are delivered", alice, bob);
        Assert.Contains(bob.FindDirect("alice")!.Snapshot(), m => m.Text == "over tls" && m.From == "alice");
        Assert.False(alice.IsUnverified("bob"));
        Assert.False(bob.IsUnverified("alice"));
        Assert.Contains("verified=True", alice.DescribeLinks(), StringComparison.Ordinal);
        Assert.DoesNotContain(alice.FindDirect("bob")!.Snapshot(), m => m.Text.Contains("unverified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forged_plain_hello_for_a_keyed_name_gets_unverified_and_the_link_closes()
    {
        var (alice, _) = await JoinPairAsync();
        await using var forger = await RawLink.DialPlainAsync(alice.PeerPort);

        await forger.SendHelloAsync("bob");

        var answer = await forger.ReadLineAsync();
        Assert.Contains("\"code\":\"unverified\"", answer, StringComparison.Ordinal);
        Assert.Null(await forger.ReadLineAsync());
        Assert.Equal(DirectLinkState.None, alice.GetLinkState("bob"));
        Assert.Null(alice.FindDirect("bob"));
    }

    [Fact]
    public async Task Tls_dialer_presenting_a_certificate_other_than_the_listed_one_is_refused()
    {
        var (alice, _) = await JoinPairAsync();
        using var mallory = PeerIdentity.Create("mallory");
        await using var forger = await RawLink.DialTlsAsync(alice.PeerPort, mallory.Certificate, alice.Identity.Key);

        await forger.SendHelloAsync("bob");
        await forger.SendDmAsync("d-1", "it is me, bob", DateTimeOffset.UtcNow);

        var answer = await forger.ReadLineAsync();
        Assert.Contains("\"code\":\"unverified\"", answer, StringComparison.Ordinal);
        Assert.Null(await forger.ReadLineAsync());
        Assert.Null(alice.FindDirect("bob"));
        Assert.Equal(0, alice.LiveLinkCount);
    }

    [Fact]
    public async Task Listener_presenting_a_certificate_other_than_the_listed_one_gets_nothing_and_the_message_fails_as_unverified()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        using var real = PeerIdentity.Create("bob");
        using var impostor = PeerIdentity.Create("impostor");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        // The directory lists bob with his real key; the impostor holds bob's address.
        await using var listing = await RawClient.JoinAsync(_server.Port, "bob", ((IPEndPoint)listener.LocalEndpoint).Port, real.Key);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);
        var received = ServeOnceAsync(listener, impostor.Certificate);

        var sent = await alice.SendDirectAsync("bob", "for bob only", Ct);

        Assert.Equal(SendOutcome.Unverified, sent.Outcome);
        var failed = alice.FindDirect("bob")!.Snapshot().Single(m => m.Id == sent.MessageId);
        Assert.Equal(DeliveryState.Failed, failed.State);
        Assert.Contains("could not be verified", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, await received.WaitAsync(Timeouts.Await, Ct));
        Assert.Equal(DirectLinkState.None, alice.GetLinkState("bob"));
    }

    [Fact]
    public async Task Keyless_v1_peer_chats_both_ways_and_is_shown_unverified()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var listing = await RawClient.JoinAsync(_server.Port, "old", ((IPEndPoint)listener.LocalEndpoint).Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists old", alice);
        Assert.True(alice.IsUnverified("old"));
        var accepting = listener.AcceptTcpClientAsync(Ct).AsTask();

        var sending = alice.SendDirectAsync("old", "hi old friend", Ct);

        using var client = await accepting.WaitAsync(Timeouts.Await, Ct);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        Assert.Contains("\"hello\"", await ReadAsync(reader), StringComparison.Ordinal);
        await WriteAsync(stream, """{"type":"hello","version":1,"name":"old"}""");
        var sent = await sending.WaitAsync(Timeouts.Await, Ct);
        Assert.Equal(SendOutcome.Sent, sent.Outcome);
        var dm = await ReadAsync(reader);
        Assert.Contains("hi old friend", dm, StringComparison.Ordinal);
        await WriteAsync(stream, $$"""{"type":"ack","id":"{{sent.MessageId}}"}""");
        await WriteAsync(stream, """{"type":"dm","id":"o-1","text":"hello alice"}""");

        await Eventually.HoldsAsync(() => Delivered(alice, "old", sent.MessageId), "the dm to the keyless peer is delivered", alice);
        await Eventually.MessageAsync(() => alice.FindDirect("old"), m => m.Text == "hello alice", "alice gets the keyless peer's dm", alice);
        Assert.True(alice.IsUnverified("old"));
        // The link's trust shows in the conversation's header, not as a line in it.
        Assert.DoesNotContain(alice.FindDirect("old")!.Snapshot(), m => m.Kind == ChatMessageKind.System);
    }

    [Fact]
    public async Task Repeated_dm_id_does_not_change_the_shown_line_and_a_far_off_time_shows_the_arrival_time()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await using var listing = await RawClient.JoinAsync(_server.Port, "old", RawClient.ClosedPort());
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists old", alice);
        await using var old = await RawLink.DialPlainAsync(alice.PeerPort);
        await old.SendHelloAsync("old");
        Assert.Contains("\"name\":\"alice\"", await old.ReadLineAsync(), StringComparison.Ordinal);
        var written = DateTimeOffset.UtcNow;

        await old.SendDmAsync("d-1", "the original", written);
        Assert.Contains("\"ack\"", await old.ReadLineAsync(), StringComparison.Ordinal);
        await old.SendDmAsync("d-1", "an edit", written);
        Assert.Contains("\"ack\"", await old.ReadLineAsync(), StringComparison.Ordinal);
        var before = DateTimeOffset.UtcNow;
        await old.SendDmAsync("d-2", "from the past", new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains("\"ack\"", await old.ReadLineAsync(), StringComparison.Ordinal);

        var past = await Eventually.MessageAsync(() => alice.FindDirect("old"), m => m.Text == "from the past", "the backdated dm arrives", alice);
        var lines = alice.FindDirect("old")!.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).ToList();
        Assert.Equal(["the original", "from the past"], lines.Select(m => m.Text));
        Assert.InRange(past.At, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(written.ToUnixTimeMilliseconds(), lines[0].At.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Conn_to_an_unlisted_address_that_answers_as_a_keyed_name_is_refused()
    {
        var (alice, _) = await JoinPairAsync();
        await using var impostor = new FakePeer("bob");

        var linked = await alice.ConnectAsync("127.0.0.1", impostor.Port, Ct);

        Assert.Equal(LinkOutcome.Unverified, linked.Outcome);
        Assert.Contains("could not be verified", linked.Error, StringComparison.Ordinal);
        Assert.Equal(DirectLinkState.None, alice.GetLinkState("bob"));
    }

    /// <summary>Accepts one connection, answers TLS with <paramref name="certificate"/>, returns how many bytes came inside.</summary>
    private static async Task<int> ServeOnceAsync(TcpListener listener, X509Certificate2 certificate)
    {
        using var client = await listener.AcceptTcpClientAsync(Ct);
        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null,
            }, Ct);
            var buffer = new byte[1024];
            var total = 0;
            int read;
            while ((read = await tls.ReadAsync(buffer, Ct)) > 0)
            {
                total += read;
            }

            return total;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return 0;
        }
    }

    private static async Task<string?> ReadAsync(StreamReader reader) =>
        await reader.ReadLineAsync(Ct).AsTask().WaitAsync(Timeouts.Await, Ct);

    private static async Task WriteAsync(Stream stream, string line) => await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), Ct);

    private static bool Delivered(PeerAgent agent, string peer, string? id) =>
        agent.FindDirect(peer)?.Snapshot().Any(m => m.Id == id && m.State == DeliveryState.Delivered) == true;

    private async Task<(PeerAgent Alice, PeerAgent Bob)> JoinPairAsync()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "they see each other", alice, bob);
        return (alice, bob);
    }
}
