using System.Globalization;

namespace WebPeerBridge.Load.Circuits;

/// <summary>
/// The memory of the browser this process started (every process below this one in the process tree, Playwright's
/// driver and Chromium's browser, GPU, utility and renderer processes): their proportional set size summed, so shared
/// pages count once; and the machine's available memory. Linux only (/proc).
/// </summary>
internal sealed record BrowserMemory(int Processes, int Renderers, long PssBytes, long AvailableBytes)
{
    public static BrowserMemory Measure()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        var self = Environment.ProcessId;
        var (processes, renderers, pss) = (0, 0, 0L);
        foreach (var pid in parents.Keys)
        {
            if (pid == self || !Descends(pid, self, parents))
            {
                continue;
            }

            processes++;
            pss += Kilobytes($"/proc/{pid}/smaps_rollup", "Pss:") * 1024;
            if (IsRenderer(pid))
            {
                renderers++;
            }
        }

        return new BrowserMemory(processes, renderers, pss, Kilobytes("/proc/meminfo", "MemAvailable:") * 1024);
    }

    private static bool Descends(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var hops = 0; hops < 64 && parents.TryGetValue(pid, out var parent); hops++)
        {
            if (parent == ancestor)
            {
                return true;
            }

            pid = parent;
        }

        return false;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After the command name (which may hold spaces): state, then the parent's pid.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // gone meanwhile, or not ours to read
        }
    }

    private static bool IsRenderer(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("--type=renderer", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Gone meanwhile, or not ours to read.
        }

        return 0;
    }
}
