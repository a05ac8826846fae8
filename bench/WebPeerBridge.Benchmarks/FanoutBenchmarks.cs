using System.Buffers;
using BenchmarkDotNet.Attributes;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.Connections;
using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Benchmarks;

/// <summary>
/// The rendezvous server's fan-out path without the sockets, one operation = one delivery: a broadcast's shared line
/// queued into 1,000 receivers' <see cref="ClientOutbox"/>es and drained by their write loops into a socket buffer (a
/// reused <see cref="ArrayBufferWriter{T}"/> here); a turn's joins coalesced by <see cref="TurnBatch"/>; and the
/// welcome of the 1,000th joiner spliced from cached PEER bytes against it serialized whole.
/// </summary>
[MemoryDiagnoser]
public class FanoutBenchmarks
{
    private const int Receivers = 1000;

    private readonly ArrayBufferWriter<byte> _socket = new(256 * 1024);
    private BenchClient[] _clients = null!;
    private Outbound _said;
    private Outbound[] _joins = null!;
    private Welcome _welcomeWhole = null!;
    private Welcome _welcomeWithoutPeers = null!;
    private ReadOnlyMemory<byte> _peers;

    [GlobalSetup]
    public void Setup()
    {
        _clients = [.. Enumerable.Range(0, Receivers).Select(_ => new BenchClient(new ClientOutbox(1024, 1024 * 1024)))];
        _said = Outbound.Of(Samples.Said);
        _joins = [.. Enumerable.Range(0, 8).Select(i => Outbound.Of(new Joined(new PeerInfo("j" + i, "127.0.0.1", 41000 + i, Samples.At))))];
        _welcomeWhole = Samples.WelcomeWithPeers(999);
        _welcomeWithoutPeers = _welcomeWhole with { Peers = [] };
        var list = new PeerListLine(1000);
        foreach (var peer in _welcomeWhole.Peers)
        {
            list.Upsert(peer.Name, PeerListLine.PeerOf(FrameCodec.ToLine(new Joined(peer))));
        }

        _peers = list.Current;
    }

    /// <summary>One said to 1,000 receivers: queued, then written by each receiver's write loop.</summary>
    [Benchmark(OperationsPerInvoke = Receivers)]
    public int Broadcast_said_per_delivery()
    {
        foreach (var client in _clients)
        {
            client.TryEnqueue(_said);
        }

        return Drain();
    }

    /// <summary>Eight joins of one turn to 1,000 receivers, one slice each (per delivery of the 8 lines).</summary>
    [Benchmark(OperationsPerInvoke = Receivers)]
    public int Turn_batch_of_8_joins_per_receiver()
    {
        var batch = new TurnBatch();
        foreach (var join in _joins)
        {
            batch.Add(join);
        }

        batch.Seal();
        foreach (var client in _clients)
        {
            batch.TryEnqueue(client);
        }

        return Drain();
    }

    /// <summary>The 1,000th joiner's welcome (999 peers) from cached PEER bytes, written into the socket buffer.</summary>
    [Benchmark]
    public int Welcome_999_peers_spliced()
    {
        _socket.ResetWrittenCount();
        WelcomeLine.Spliced(_welcomeWithoutPeers, _peers).WriteTo(_socket);
        return _socket.WrittenCount;
    }

    /// <summary>The same welcome serialized whole (what the server did before), into the socket buffer.</summary>
    [Benchmark(Baseline = true)]
    public int Welcome_999_peers_serialized()
    {
        _socket.ResetWrittenCount();
        FrameCodec.Write(_socket, _welcomeWhole);
        return _socket.WrittenCount;
    }

    private int Drain()
    {
        var written = 0;
        foreach (var client in _clients)
        {
            _socket.ResetWrittenCount();
            while (client.Outbox.TryRead(out var frame))
            {
                _socket.Write(frame.Line.Span);
            }

            written += _socket.WrittenCount;
        }

        return written;
    }

    private sealed class BenchClient(ClientOutbox outbox) : IHubClient
    {
        public ClientOutbox Outbox => outbox;

        public string ConnectionId => "bench";

        public string Protocol => PeerProtocols.V1;

        public string? RegisteredName => "bench";

        public bool TryEnqueue(in Outbound frame) => outbox.TryWrite(frame);

        public void Accept(PeerInfo you, WelcomeLine welcome) => throw new NotSupportedException();

        public void Refuse(string code, string message) => throw new NotSupportedException();

        public void Abort(string code, string message) => throw new NotSupportedException();

        public void Replace() => throw new NotSupportedException();
    }
}
