using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Benchmarks;

/// <summary>
/// Writing frames: through a reused <see cref="Utf8JsonWriter"/> into a reused buffer (a connection's writer), and
/// <see cref="FrameCodec.ToLine"/> (a broadcast serialized once into its own array, shared by every receiver).
/// </summary>
[MemoryDiagnoser]
public class CodecWriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Utf8JsonWriter _writer = null!;
    private Welcome _welcome = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = FrameCodec.CreateWriter(_buffer);
        _welcome = Samples.WelcomeWithPeers(999);
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark]
    public int Write_said_reused_writer()
    {
        _buffer.ResetWrittenCount();
        FrameCodec.Write(_writer, _buffer, Samples.Said);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int Write_say_reused_writer()
    {
        _buffer.ResetWrittenCount();
        FrameCodec.Write(_writer, _buffer, Samples.Say);
        return _buffer.WrittenCount;
    }

    /// <summary>The same said serialized as its concrete type: what the polymorphic envelope costs.</summary>
    [Benchmark]
    public int Write_said_concrete_type_no_envelope()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, Samples.Said, BenchJson.Default.Said);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public byte[] ToLine_said() => FrameCodec.ToLine(Samples.Said);

    /// <summary>What the server builds for the 1,000th client of a join storm (999 peers).</summary>
    [Benchmark]
    public byte[] ToLine_welcome_999_peers() => FrameCodec.ToLine(_welcome);
}
