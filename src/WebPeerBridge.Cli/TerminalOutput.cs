namespace WebPeerBridge.Cli;

/// <summary>Writes whole lines to standard output, one writer at a time (events come from the agent's threads).</summary>
internal sealed class TerminalOutput(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Line(string text)
    {
        lock (_gate)
        {
            // One event, one line: text with line breaks is indented so that a reader can tell where it ends.
            writer.WriteLine(text.ReplaceLineEndings("\n    "));
            writer.Flush();
        }
    }

    public void Lines(string text)
    {
        lock (_gate)
        {
            foreach (var line in text.Split('\n'))
            {
                writer.WriteLine(line);
            }

            writer.Flush();
        }
    }
}
