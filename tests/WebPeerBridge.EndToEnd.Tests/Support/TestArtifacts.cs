namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>Where a failed test leaves its screenshots and console logs: under the test run's results directory.</summary>
public static class TestArtifacts
{
    /// <summary>
    /// The results directory the test platform was given (<c>--results-directory</c>, as scripts/test.sh passes), else
    /// TEST_RESULTS_DIR, else TestResults next to the tests.
    /// </summary>
    public static string ResultsDirectory
    {
        get
        {
            var args = Environment.GetCommandLineArgs();
            var index = Array.IndexOf(args, "--results-directory");
            if (index >= 0 && index + 1 < args.Length)
            {
                return Path.GetFullPath(args[index + 1]);
            }

            return Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") is { Length: > 0 } dir
                ? Path.GetFullPath(dir)
                : Path.Combine(AppContext.BaseDirectory, "TestResults");
        }
    }

    /// <summary>A folder for the current test's artifacts: results/e2e/&lt;class&gt;.&lt;method&gt;.</summary>
    public static string ForCurrentTest()
    {
        var test = TestContext.Current.TestMethod is { } method
            ? $"{method.TestClass.TestClassSimpleName}.{method.MethodName}"
            : "unknown-test";
        var folder = Path.Combine(ResultsDirectory, "e2e", string.Concat(test.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
