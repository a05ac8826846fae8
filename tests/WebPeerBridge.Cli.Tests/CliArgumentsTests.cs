namespace WebPeerBridge.Cli.Tests;

public sealed class CliArgumentsTests
{
    [Fact]
    public void Memory_is_given_back_after_a_burst_unless_no_memory_trim_says_otherwise()
    {
        var byDefault = CliArguments.Parse(["--name", "bob"], out _);
        var kept = CliArguments.Parse(["--name", "bob", "--no-memory-trim"], out var error);

        Assert.Null(error);
        Assert.True(byDefault!.TrimMemory);
        Assert.False(kept!.TrimMemory);
        Assert.Contains("--no-memory-trim", CliArguments.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_takes_a_comma_separated_list_of_nodes_and_dials_the_first()
    {
        var arguments = CliArguments.Parse(["--name", "bob", "--server", "10.0.0.1:1234, 10.0.0.2:1235,[::1]:1236"], out var error);

        Assert.Null(error);
        Assert.Equal(("10.0.0.1", 1234), (arguments!.ServerHost, arguments.ServerPort));
        Assert.Equal(["10.0.0.1:1234", "10.0.0.2:1235", "[::1]:1236"], arguments.Servers);
    }

    [Fact]
    public void Server_list_with_an_entry_without_a_port_is_refused()
    {
        var arguments = CliArguments.Parse(["--name", "bob", "--server", "10.0.0.1:1234,10.0.0.2"], out var error);

        Assert.Null(arguments);
        Assert.Contains("host:port", error, StringComparison.Ordinal);
    }
}
