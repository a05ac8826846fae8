using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Cli.Tests.Support;

/// <summary>The built terminal peer as a child process, driven through its standard input and output.</summary>
public sealed class TerminalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _transcript = [];
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly StringBuilder _errors = new();

    private TerminalProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync(process.StandardOutput, line => _lines.Writer.TryWrite(line), () => _lines.Writer.TryComplete());
        _stderr = PumpAsync(process.StandardError, line =>
        {
            lock (_errors)
            {
                _errors.AppendLine(line);
            }
        }, () => { });
    }

    /// <summary>The terminal peer's assembly, copied next to the tests by the project reference.</summary>
    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "WebPeerBridge.Cli.dll");

    public static TerminalProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add(CliPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new TerminalProcess(Process.Start(info)!);
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), TestContext.Current.CancellationToken);
        await _process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Reads output until a line matches; fails with the transcript if none comes in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeouts.Await);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    _transcript.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        Assert.Fail($"No line where {what}. Output so far:\n{string.Join('\n', _transcript)}\nStandard error:\n{Errors}");
        return "";
    }

    public Task<string> WaitForLineAsync(string contains) =>
        WaitForLineAsync(line => line.Contains(contains, StringComparison.Ordinal), $"'{contains}' appears");

    /// <summary>The process id, for signals.</summary>
    public int Id => _process.Id;

    /// <summary>Closes standard input: the end of file a process started without input sees.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Closes standard input (end of file) and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> CloseInputAndWaitAsync()
    {
        _process.StandardInput.Close();
        return await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        await Task.WhenAll(_stdout, _stderr).WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Everything printed after the last matched line.</summary>
    public IReadOnlyList<string> Transcript => _transcript;

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(Timeouts.Await);
        }

        _process.Dispose();
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine, Action onEnd)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                onLine(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
        finally
        {
            onEnd();
        }
    }
}
