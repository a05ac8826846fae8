using System.Globalization;

namespace WebPeerBridge.Load.Stats;

/// <summary>Reads another process's resident memory and CPU time from <c>/proc</c> (Linux only).</summary>
internal static class ProcessProbe
{
    private const double ClockTicksPerSecond = 100; // USER_HZ: 100 on every Linux the tool runs on

    /// <summary>VmRSS of <paramref name="pid"/> in bytes, or null when it cannot be read.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process is gone or not ours to read.
        }

        return null;
    }

    /// <summary>The number of threads of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static int? Threads(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    return int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process is gone or not ours to read.
        }

        return null;
    }

    /// <summary>User plus system CPU time of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds((user + system) / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
