using System.Buffers;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>Builds multi-segment sequences, as a pipe hands them out, to test code that must not assume one span.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    private BufferSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>One segment per chunk, in order; empty chunks become empty segments.</summary>
    public static ReadOnlySequence<byte> Sequence(params byte[][] chunks)
    {
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new BufferSegment(chunks[0], 0);
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            var next = new BufferSegment(chunk, last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> cut at the given offsets.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, params int[] offsets)
    {
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var offset in offsets)
        {
            chunks.Add(data[start..offset]);
            start = offset;
        }

        chunks.Add(data[start..]);
        return Sequence([.. chunks]);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> BytewiseOf(byte[] data) => Sequence([.. data.Select(b => new[] { b })]);
}
