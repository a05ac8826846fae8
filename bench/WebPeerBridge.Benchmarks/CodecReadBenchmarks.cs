using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Benchmarks;

/// <summary>
/// Reading frames: <see cref="FrameReader"/> over a <see cref="Pipe"/> holding many lines (the server's read loop), and
/// <see cref="FrameCodec.Decode(ReadOnlySequence{byte})"/> of one line. Per-frame figures: one operation = one frame.
/// </summary>
[MemoryDiagnoser]
public class CodecReadBenchmarks
{
    private const int FramesPerPipe = 1000;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false,
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline));

    private byte[] _sayLines = [];
    private byte[] _saidLines = [];
    private ReadOnlySequence<byte> _sayLine;
    private ReadOnlySequence<byte> _saidLine;

    [GlobalSetup]
    public void Setup()
    {
        _sayLines = Repeat(Samples.SayLine, FramesPerPipe);
        _saidLines = Repeat(Samples.SaidLine, FramesPerPipe);
        _sayLine = new ReadOnlySequence<byte>(Samples.SayLine);
        _saidLine = new ReadOnlySequence<byte>(Samples.SaidLine);
    }

    /// <summary>The server's read loop: say lines through a pipe and the frame reader.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerPipe)]
    public async Task<int> FrameReader_say_lines() => await ReadAllAsync(_sayLines, ProtocolLimits.MaxClientFrameBytes).ConfigureAwait(false);

    /// <summary>A client's read loop: said lines through a pipe and the frame reader.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerPipe)]
    public async Task<int> FrameReader_said_lines() => await ReadAllAsync(_saidLines, ProtocolLimits.MaxServerFrameBytes).ConfigureAwait(false);

    [Benchmark]
    public object? Decode_say() => FrameCodec.Decode(_sayLine).Frame;

    [Benchmark]
    public object? Decode_said() => FrameCodec.Decode(_saidLine).Frame;

    /// <summary>The same said line read as its concrete type: what the polymorphic envelope costs.</summary>
    [Benchmark]
    public object? Deserialize_said_concrete_type_no_envelope()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_saidLine);
        return System.Text.Json.JsonSerializer.Deserialize(ref reader, BenchJson.Default.Said);
    }

    private async Task<int> ReadAllAsync(byte[] lines, int maxFrameBytes)
    {
        _pipe.Writer.Write(lines);
        await _pipe.Writer.FlushAsync().ConfigureAwait(false);
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        var reader = new FrameReader(_pipe.Reader, maxFrameBytes);
        var count = 0;
        while (!(await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false)).IsEndOfStream)
        {
            count++;
        }

        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        _pipe.Reset();
        return count;
    }

    private static byte[] Repeat(byte[] line, int count)
    {
        var all = new byte[(line.Length + 1) * count];
        for (var i = 0; i < count; i++)
        {
            line.CopyTo(all, i * (line.Length + 1));
            all[((i + 1) * (line.Length + 1)) - 1] = (byte)'\n';
        }

        return all;
    }
}
