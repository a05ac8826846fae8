using System.Buffers;
using System.Text;
using WebPeerBridge.Protocol.Framing;

namespace WebPeerBridge.Protocol.Tests;

public class LineFramerTests
{
    private const int Limit = 16;

    [Fact]
    public void A_whole_line_is_returned_and_the_rest_stays_in_the_buffer()
    {
        var buffer = Sequence("first\nsecond");

        var status = LineFramer.TryReadLine(ref buffer, Limit, out var line);

        Assert.Equal(LineStatus.Line, status);
        Assert.Equal("first", Text(line));
        Assert.Equal("second", Text(buffer));
    }

    [Fact]
    public void Without_a_newline_it_needs_more_and_leaves_the_buffer_alone()
    {
        var buffer = Sequence("partial");
        var before = buffer;

        var status = LineFramer.TryReadLine(ref buffer, Limit, out var line);

        Assert.Equal(LineStatus.NeedMore, status);
        Assert.Equal(before, buffer);
        Assert.True(line.IsEmpty);
    }

    [Fact]
    public void A_line_arriving_in_pieces_is_scanned_from_where_the_last_look_stopped()
    {
        long scanned = 0;
        var first = Sequence("abc");
        Assert.Equal(LineStatus.NeedMore, LineFramer.TryReadLine(ref first, Limit, ref scanned, out _));
        Assert.Equal(3, scanned);

        // The bytes already looked at are not looked at again: a newline planted there is not seen (the reader never
        // changes bytes it has examined, so that can only happen in this test).
        var planted = Sequence("a\ncde");
        Assert.Equal(LineStatus.NeedMore, LineFramer.TryReadLine(ref planted, Limit, ref scanned, out _));
        Assert.Equal(5, scanned);

        var whole = Sequence("abcde\nrest");
        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref whole, Limit, ref scanned, out var line));
        Assert.Equal("abcde", Text(line));
        Assert.Equal("rest", Text(whole));
        Assert.Equal(0, scanned);
    }

    [Fact]
    public void An_empty_buffer_needs_more()
    {
        var buffer = ReadOnlySequence<byte>.Empty;

        Assert.Equal(LineStatus.NeedMore, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void Several_lines_come_out_one_at_a_time_in_order()
    {
        var buffer = Sequence("a\nbb\r\n\nccc\n");
        var lines = new List<string>();

        while (LineFramer.TryReadLine(ref buffer, Limit, out var line) == LineStatus.Line)
        {
            lines.Add(Text(line));
        }

        Assert.Equal(["a", "bb", "", "ccc"], lines);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_carriage_return_before_the_newline_is_not_part_of_the_line()
    {
        var buffer = Sequence("hello\r\nrest");

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal("hello", Text(line));
        Assert.Equal("rest", Text(buffer));
    }

    [Fact]
    public void Only_one_carriage_return_is_removed_and_one_inside_the_line_stays()
    {
        var buffer = Sequence("a\rb\r\r\n");

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal("a\rb\r", Text(line));
    }

    [Fact]
    public void A_line_of_only_a_carriage_return_is_empty()
    {
        var buffer = Sequence("\r\n");

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.True(line.IsEmpty);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted()
    {
        var buffer = Sequence(new string('a', Limit) + "\n");

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal(Limit, line.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_ended_by_crlf_is_accepted()
    {
        var buffer = Sequence(new string('a', Limit) + "\r\n");

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal(Limit, line.Length);
    }

    [Fact]
    public void A_line_one_byte_over_the_limit_is_too_long()
    {
        var buffer = Sequence(new string('a', Limit + 1) + "\n");

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void A_line_one_byte_over_the_limit_ended_by_crlf_is_too_long()
    {
        var buffer = Sequence(new string('a', Limit + 1) + "\r\n");

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void The_limit_plus_one_byte_without_newline_still_needs_more_as_it_may_be_a_carriage_return()
    {
        var buffer = Sequence(new string('a', Limit) + "\r");

        Assert.Equal(LineStatus.NeedMore, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void The_limit_plus_two_bytes_without_newline_is_too_long()
    {
        var buffer = Sequence(new string('a', Limit + 2));

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void A_megabyte_without_newline_is_too_long_and_left_unconsumed()
    {
        var data = new byte[1024 * 1024];
        data.AsSpan().Fill((byte)'x');
        var buffer = new ReadOnlySequence<byte>(data);

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, 64 * 1024, out _));
        Assert.Equal(data.Length, buffer.Length);
    }

    [Fact]
    public void A_newline_beyond_the_limit_is_not_searched_for()
    {
        // The newline sits far past the limit: the line is too long whether or not the newline is in the buffer.
        var buffer = Sequence(new string('a', 1000) + "\n");

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, Limit, out _));
    }

    [Fact]
    public void A_line_spread_over_many_segments_is_found()
    {
        var buffer = BufferSegment.BytewiseOf(Wire.Bytes("ab\r\ncd\n"));

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var first));
        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var second));

        Assert.Equal("ab", Text(first));
        Assert.Equal("cd", Text(second));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Carriage_return_and_newline_in_different_segments_are_one_line_end()
    {
        var buffer = BufferSegment.Sequence(Wire.Bytes("abc\r"), Wire.Bytes("\nnext"));

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal("abc", Text(line));
        Assert.Equal("next", Text(buffer));
    }

    [Fact]
    public void Empty_segments_do_not_confuse_the_carriage_return_check()
    {
        var buffer = BufferSegment.Sequence(Wire.Bytes("abc"), [], Wire.Bytes("\r"), [], Wire.Bytes("\n"), []);

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref buffer, Limit, out var line));
        Assert.Equal("abc", Text(line));
    }

    [Fact]
    public void Every_split_of_the_input_gives_the_same_lines()
    {
        const string input = "one\r\ntwo\n\nthree\r\n";
        var data = Wire.Bytes(input);

        for (var i = 0; i <= data.Length; i++)
        {
            for (var j = i; j <= data.Length; j++)
            {
                var buffer = BufferSegment.SplitAt(data, i, j);
                var lines = new List<string>();
                while (LineFramer.TryReadLine(ref buffer, Limit, out var line) == LineStatus.Line)
                {
                    lines.Add(Text(line));
                }

                Assert.Equal(["one", "two", "", "three"], lines);
            }
        }
    }

    [Fact]
    public void The_limit_is_checked_the_same_over_many_segments()
    {
        var atLimit = BufferSegment.BytewiseOf(Wire.Bytes(new string('a', Limit) + "\r\n"));
        var overLimit = BufferSegment.BytewiseOf(Wire.Bytes(new string('a', Limit + 2)));

        Assert.Equal(LineStatus.Line, LineFramer.TryReadLine(ref atLimit, Limit, out _));
        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref overLimit, Limit, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("\r")]
    [InlineData(" \t \r ")]
    public void Lines_of_only_spaces_tabs_and_carriage_returns_are_blank(string line)
    {
        Assert.True(LineFramer.IsBlank(Sequence(line)));
    }

    [Theory]
    [InlineData("x")]
    [InlineData(" {} ")]
    [InlineData("\u00a0")]
    [InlineData("\f")]
    [InlineData("\v")]
    public void Lines_with_anything_else_are_not_blank(string line)
    {
        Assert.False(LineFramer.IsBlank(Sequence(line)));
    }

    [Fact]
    public void Blankness_is_judged_over_every_segment()
    {
        Assert.True(LineFramer.IsBlank(BufferSegment.Sequence(Wire.Bytes("  "), [], Wire.Bytes("\t"))));
        Assert.False(LineFramer.IsBlank(BufferSegment.Sequence(Wire.Bytes("  "), Wire.Bytes("x"))));
    }

    private static ReadOnlySequence<byte> Sequence(string text) => new(Wire.Bytes(text));

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
