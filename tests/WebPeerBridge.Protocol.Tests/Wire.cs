using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>Small helpers to go between frames, lines as text and lines as bytes.</summary>
internal static class Wire
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// Turns <c>\uXXXX</c> into that UTF-16 unit. Theory data cannot hold a lone surrogate (xUnit serializes it as
    /// UTF-8, which turns it into U+FFFD), so tests that need one write it escaped.
    /// </summary>
    public static string Unescape(string text) =>
        Regex.Replace(text, @"\\u([0-9a-fA-F]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    public static DecodeResult Decode(string line) => FrameCodec.Decode(new ReadOnlySequence<byte>(Bytes(line)));

    /// <summary>The decoded frame, failing the test with the codec's message when there is none.</summary>
    public static T DecodeAs<T>(string line)
        where T : Frame
    {
        var result = Decode(line);
        Assert.True(result.IsSuccess, $"{result.ErrorCode}: {result.ErrorMessage}");
        return Assert.IsType<T>(result.Frame);
    }

    /// <summary>The line <see cref="FrameCodec.ToLine"/> writes, newline included.</summary>
    public static string LineOf(Frame frame) => Encoding.UTF8.GetString(FrameCodec.ToLine(frame));

    /// <summary>The line without its newline, as bytes.</summary>
    public static byte[] JsonOf(Frame frame)
    {
        var line = FrameCodec.ToLine(frame);
        Assert.Equal((byte)'\n', line[^1]);
        return line[..^1];
    }

    public static Frame RoundTrip(Frame frame)
    {
        var result = FrameCodec.Decode(new ReadOnlySequence<byte>(JsonOf(frame)));
        Assert.True(result.IsSuccess, $"{result.ErrorCode}: {result.ErrorMessage}");
        return result.Frame!;
    }
}
