namespace WebPeerBridge.Cli.Tests;

public sealed class TerminalOutputTests
{
    [Theory]
    [InlineData("\u001b[2J\u001b[Hcleared", "[2J[Hcleared")]
    [InlineData("\u001b]0;pwned\u0007title", "]0;pwnedtitle")]
    [InlineData("bell\u0007 and \u009b2Jc1 csi", "bell and 2Jc1 csi")]
    [InlineData("txt.\u202Eexe", "txt.exe")]
    [InlineData("tab\tkept", "tab\tkept")]
    public void Control_characters_and_bidirectional_overrides_never_reach_the_terminal(string text, string shown)
    {
        var writer = new StringWriter();

        new TerminalOutput(writer).Line(text);

        Assert.Equal(shown + writer.NewLine, writer.ToString());
    }

    [Fact]
    public void A_text_with_line_breaks_is_indented_so_it_cannot_print_a_line_of_our_own()
    {
        var writer = new StringWriter();

        new TerminalOutput(writer).Line("[12:00:00] [dm] <old> see you\r\n* carol left\n! fake error");

        Assert.Equal(["[12:00:00] [dm] <old> see you", "    * carol left", "    ! fake error", ""], writer.ToString().Split(writer.NewLine));
    }
}
