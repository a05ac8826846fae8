using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Cli;

/// <summary>
/// Writes whole lines to standard output, one writer at a time (events come from the agent's threads). Every line is
/// cleaned first: what peers and servers send (message texts, error messages, names) reaches the terminal without
/// control characters (no escape sequences that clear the screen, set the title or move the cursor) and without
/// bidirectional overrides.
/// </summary>
internal sealed class TerminalOutput(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Line(string text)
    {
        // One event, one line: text with line breaks is indented so that a reader can tell where it ends, and so that a
        // peer's text cannot print a line that looks like one of ours ("* bob left").
        var line = Clean(text.ReplaceLineEndings("\n")).Replace("\n", "\n    ", StringComparison.Ordinal);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    public void Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(Clean).ToList();
        lock (_gate)
        {
            foreach (var line in lines)
            {
                writer.WriteLine(line);
            }

            writer.Flush();
        }
    }

    /// <summary><paramref name="text"/> without control characters (newlines and tabs kept) and bidirectional controls.</summary>
    internal static string Clean(string text) => TextRules.StripControls(text);
}
