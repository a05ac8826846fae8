using System.IO.Pipelines;
using System.Text;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public class FrameReaderTests
{
    private static readonly Frame[] Conversation =
    [
        SampleFrames.All["hello_full"],
        SampleFrames.All["welcome_full"],
        SampleFrames.All["say_multiline_unicode"],
        SampleFrames.All["said_without_id"],
        Ping.Instance,
        SampleFrames.All["error_with_id"],
        SampleFrames.All["dm"],
        SampleFrames.All["ack"],
        Bye.Instance,
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Several_frames_in_one_write_come_out_in_order_then_end_of_stream()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(LinesOf(Conversation), Ct);
        await pipe.Writer.CompleteAsync();

        var frames = await ReadAllAsync(new FrameReader(pipe.Reader, ProtocolLimits.MaxServerFrameBytes));

        FrameAssert.Equal(Conversation, frames);
    }

    [Fact]
    public async Task Frames_split_across_every_byte_boundary_decode_the_same()
    {
        // Inline schedulers: the reader runs inside each FlushAsync, so it really sees every single-byte step.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var data = LinesOf(Conversation);
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxServerFrameBytes);

        var readAll = ReadAllAsync(reader);
        await WriteInChunksAsync(pipe.Writer, data, _ => 1);

        FrameAssert.Equal(Conversation, await readAll.WaitAsync(Wire.Timeout, Ct));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(20261124)]
    public async Task Frames_split_into_random_chunks_decode_the_same(int seed)
    {
        var random = new Random(seed);
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var data = LinesOf(Conversation);
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxServerFrameBytes);

        var readAll = ReadAllAsync(reader);
        var write = Task.Run(() => WriteInChunksAsync(pipe.Writer, data, _ => random.Next(1, 300)), Ct);

        FrameAssert.Equal(Conversation, await readAll.WaitAsync(Wire.Timeout, Ct));
        await write.WaitAsync(Wire.Timeout, Ct);
    }

    [Fact]
    public async Task Frames_split_into_random_chunks_on_inline_schedulers_decode_the_same()
    {
        var random = new Random(5);
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var data = LinesOf(Conversation);
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxServerFrameBytes);

        var readAll = ReadAllAsync(reader);
        await WriteInChunksAsync(pipe.Writer, data, _ => random.Next(1, 17));

        FrameAssert.Equal(Conversation, await readAll.WaitAsync(Wire.Timeout, Ct));
    }

    [Fact]
    public async Task Crlf_line_endings_are_accepted()
    {
        var text = string.Concat(Conversation.Select(f => Wire.LineOf(f).TrimEnd('\n') + "\r\n"));

        var frames = await ReadAllAsync(text, ProtocolLimits.MaxServerFrameBytes);

        FrameAssert.Equal(Conversation, frames);
    }

    [Fact]
    public async Task Blank_lines_are_skipped()
    {
        var text = "\n\r\n  \n\t\r\n" + Wire.LineOf(Ping.Instance) + "\n \n" + Wire.LineOf(Bye.Instance) + "\r\n\n";

        var frames = await ReadAllAsync(text, ProtocolLimits.MaxClientFrameBytes);

        FrameAssert.Equal([Ping.Instance, Bye.Instance], frames);
    }

    [Fact]
    public async Task Only_blank_lines_is_end_of_stream()
    {
        var results = await ReadResultsAsync("\n\n\r\n   \n", ProtocolLimits.MaxClientFrameBytes);

        Assert.True(Assert.Single(results).IsEndOfStream);
    }

    [Fact]
    public async Task An_empty_stream_is_end_of_stream()
    {
        var results = await ReadResultsAsync("", ProtocolLimits.MaxClientFrameBytes);

        var end = Assert.Single(results);
        Assert.True(end.IsEndOfStream);
        Assert.False(end.IsFrame);
        Assert.False(end.IsError);
    }

    [Fact]
    public async Task A_partial_line_at_end_of_stream_is_end_of_stream()
    {
        var results = await ReadResultsAsync(Wire.LineOf(Ping.Instance) + "{\"type\":\"bye\"}", ProtocolLimits.MaxClientFrameBytes);

        Assert.Equal(2, results.Count);
        Assert.IsType<Ping>(results[0].Frame);
        Assert.True(results[1].IsEndOfStream);
    }

    [Fact]
    public async Task Reading_again_after_end_of_stream_is_end_of_stream_again()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Wire.Bytes("{\"type\":\"pi"), Ct);
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxClientFrameBytes);

        Assert.True((await reader.ReadAsync(Ct)).IsEndOfStream);
        Assert.True((await reader.ReadAsync(Ct)).IsEndOfStream);
    }

    [Fact]
    public async Task A_bad_line_is_an_error_and_the_next_line_still_reads()
    {
        var text = "{\"type\":\"ping\"\n"
            + "{\"type\":\"dance\"}\n"
            + "{\"type\":\"say\",\"id\":\"c-1\"}\n"
            + "[1,2]\n"
            + "{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"\\ud800\"}\n"
            + Wire.LineOf(new Say("c-2", "still here"));

        var results = await ReadResultsAsync(text, ProtocolLimits.MaxClientFrameBytes);

        Assert.Equal(
            [ErrorCodes.BadJson, ErrorCodes.UnknownType, ErrorCodes.BadFrame, ErrorCodes.BadFrame, ErrorCodes.BadJson, null, null],
            results.Select(r => r.ErrorCode));
        Assert.All(results.Take(5), r => Assert.False(string.IsNullOrEmpty(r.ErrorMessage)));
        Assert.Equal(new Say("c-2", "still here"), results[5].Frame);
        Assert.True(results[6].IsEndOfStream);
    }

    [Fact]
    public async Task A_frame_of_exactly_the_limit_is_accepted()
    {
        var line = SayOfLength(200);

        var results = await ReadResultsAsync(line + "\n", maxFrameBytes: 200);

        Assert.IsType<Say>(results[0].Frame);
    }

    [Fact]
    public async Task A_frame_of_exactly_the_limit_ended_by_crlf_is_accepted()
    {
        var results = await ReadResultsAsync(SayOfLength(200) + "\r\n", maxFrameBytes: 200);

        Assert.IsType<Say>(results[0].Frame);
    }

    [Fact]
    public async Task A_frame_one_byte_over_the_limit_is_frame_too_large()
    {
        var results = await ReadResultsAsync(SayOfLength(201) + "\n", maxFrameBytes: 200);

        Assert.Equal(ErrorCodes.FrameTooLarge, results[0].ErrorCode);
        Assert.Contains("200", results[0].ErrorMessage!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limit_counts_utf8_bytes_not_characters()
    {
        // 100 'é' are 100 characters but 200 bytes.
        var line = Wire.LineOf(new Say("c-1", new string('é', 100)));
        var bytes = Encoding.UTF8.GetByteCount(line) - 1;

        var atLimit = await ReadResultsAsync(line, maxFrameBytes: bytes);
        var belowLimit = await ReadResultsAsync(line, maxFrameBytes: bytes - 1);

        Assert.IsType<Say>(atLimit[0].Frame);
        Assert.Equal(ErrorCodes.FrameTooLarge, belowLimit[0].ErrorCode);
    }

    [Fact]
    public async Task Frame_too_large_is_reported_again_on_the_next_read_and_nothing_behind_it_is_decoded()
    {
        // frame_too_large closes the connection: a caller that reads on must not get the rest of the line, or the
        // frame behind it, as if it were a fresh line.
        var text = SayOfLength(300) + "\n" + Wire.LineOf(Ping.Instance);

        var results = await ReadResultsAsync(text, maxFrameBytes: 200, maxResults: 3);

        Assert.All(results, r => Assert.Equal(ErrorCodes.FrameTooLarge, r.ErrorCode));
    }

    [Fact]
    public async Task An_endless_line_is_frame_too_large_before_the_writer_has_sent_it_all()
    {
        const int limit = 64 * 1024;
        const int chunk = 4 * 1024;
        const int total = 1024 * 1024;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 128 * 1024, resumeWriterThreshold: 64 * 1024, useSynchronizationContext: false));
        var written = 0;
        var writer = Task.Run(
            async () =>
            {
                var bytes = new byte[chunk];
                bytes.AsSpan().Fill((byte)'a');
                while (written < total)
                {
                    var flush = await pipe.Writer.WriteAsync(bytes, Ct);
                    Interlocked.Add(ref written, chunk);
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }

                await pipe.Writer.CompleteAsync();
            },
            Ct);
        var reader = new FrameReader(pipe.Reader, limit);

        var result = await reader.ReadAsync(Ct).AsTask().WaitAsync(Wire.Timeout, Ct);

        Assert.Equal(ErrorCodes.FrameTooLarge, result.ErrorCode);

        // A Pipe's back pressure counts bytes the reader has not examined. The reader examined what it had when it
        // gave up (a little over the limit, plus at most one pause threshold that arrived meanwhile); after that the
        // writer may add one more threshold and is then held, far from its megabyte.
        const int bound = limit + 2 * (128 * 1024 + chunk);
        Assert.False(writer.IsCompleted, "The writer should still be paused.");
        Assert.InRange(Volatile.Read(ref written), limit, bound);

        await pipe.Reader.CompleteAsync();
        await writer.WaitAsync(Wire.Timeout, Ct);
        Assert.InRange(written, limit, bound + chunk);
    }

    [Fact]
    public async Task An_endless_line_is_frame_too_large_once_just_past_the_limit()
    {
        // The reader must not wait for a newline (or for the end of the stream) once the limit has passed.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var reader = new FrameReader(pipe.Reader, 100);

        var read = reader.ReadAsync(Ct).AsTask();
        await pipe.Writer.WriteAsync(Wire.Bytes(new string('a', 101)), Ct);
        Assert.False(read.IsCompleted, "101 bytes may still end in \\r\\n.");
        await pipe.Writer.WriteAsync(Wire.Bytes("a"), Ct);

        Assert.Equal(ErrorCodes.FrameTooLarge, (await read.WaitAsync(Wire.Timeout, Ct)).ErrorCode);
    }

    [Fact]
    public async Task A_frame_that_waits_for_its_newline_is_returned_when_the_newline_arrives()
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxClientFrameBytes);

        var read = reader.ReadAsync(Ct).AsTask();
        await pipe.Writer.WriteAsync(Wire.Bytes("{\"type\":\"ping\"}"), Ct);
        Assert.False(read.IsCompleted);
        await pipe.Writer.WriteAsync(Wire.Bytes("\n"), Ct);

        Assert.IsType<Ping>((await read.WaitAsync(Wire.Timeout, Ct)).Frame);
    }

    [Fact]
    public async Task Cancellation_while_waiting_throws_operation_canceled()
    {
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxClientFrameBytes);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var read = reader.ReadAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Wire.Timeout, Ct));
    }

    [Fact]
    public async Task A_fault_of_the_writer_is_thrown_to_the_reader()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Wire.Bytes("{\"type\":"), Ct);
        await pipe.Writer.CompleteAsync(new IOException("Connection reset."));
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxClientFrameBytes);

        var ex = await Assert.ThrowsAsync<IOException>(() => reader.ReadAsync(Ct).AsTask().WaitAsync(Wire.Timeout, Ct));
        Assert.Equal("Connection reset.", ex.Message);
    }

    [Fact]
    public void The_limit_is_exposed()
    {
        Assert.Equal(1234, new FrameReader(new Pipe().Reader, 1234).MaxFrameBytes);
    }

    [Fact]
    public async Task Frames_written_by_frame_writer_are_read_by_frame_reader()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);
        var reader = new FrameReader(pipe.Reader, ProtocolLimits.MaxServerFrameBytes);

        foreach (var frame in Conversation)
        {
            await writer.WriteAsync(frame, Ct);
            FrameAssert.Equal(frame, (await reader.ReadAsync(Ct).AsTask().WaitAsync(Wire.Timeout, Ct)).Frame);
        }

        await pipe.Writer.CompleteAsync();
        Assert.True((await reader.ReadAsync(Ct)).IsEndOfStream);
    }

    // A say frame whose JSON is exactly `length` bytes.
    private static string SayOfLength(int length)
    {
        var empty = Wire.LineOf(new Say("c-1", "")).TrimEnd('\n');
        var line = Wire.LineOf(new Say("c-1", new string('a', length - empty.Length))).TrimEnd('\n');
        Assert.Equal(length, Encoding.UTF8.GetByteCount(line));
        return line;
    }

    private static byte[] LinesOf(IEnumerable<Frame> frames) => [.. frames.SelectMany(FrameCodec.ToLine)];

    private static async Task WriteInChunksAsync(PipeWriter writer, byte[] data, Func<int, int> nextChunkSize)
    {
        for (var offset = 0; offset < data.Length;)
        {
            var size = Math.Min(nextChunkSize(offset), data.Length - offset);
            await writer.WriteAsync(data.AsMemory(offset, size), Ct).ConfigureAwait(false);
            offset += size;
        }

        await writer.CompleteAsync();
    }

    private static async Task<List<Frame>> ReadAllAsync(FrameReader reader)
    {
        var frames = new List<Frame>();
        while (true)
        {
            // ConfigureAwait(false): on inline schedulers the next read then starts inside the writer's flush.
            var result = await reader.ReadAsync(Ct).ConfigureAwait(false);
            if (result.IsEndOfStream)
            {
                return frames;
            }

            Assert.True(result.IsFrame, $"{result.ErrorCode}: {result.ErrorMessage}");
            frames.Add(result.Frame!);
        }
    }

    private static async Task<List<Frame>> ReadAllAsync(string text, int maxFrameBytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Wire.Bytes(text), Ct);
        await pipe.Writer.CompleteAsync();
        return await ReadAllAsync(new FrameReader(pipe.Reader, maxFrameBytes)).WaitAsync(Wire.Timeout, Ct);
    }

    private static async Task<List<FrameReadResult>> ReadResultsAsync(string text, int maxFrameBytes, int maxResults = 100)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Wire.Bytes(text), Ct);
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader, maxFrameBytes);
        var results = new List<FrameReadResult>();
        while (results.Count < maxResults && (results.Count == 0 || !results[^1].IsEndOfStream))
        {
            results.Add(await reader.ReadAsync(Ct).AsTask().WaitAsync(Wire.Timeout, Ct));
        }

        return results;
    }
}
