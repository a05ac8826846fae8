using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>The classic client's name suffix search (DESIGN.md: no quadratic suffix search), as both hubs use it.</summary>
public sealed class SeedNameSearchTests
{
    [Fact]
    public async Task Three_thousand_classic_clients_asking_for_one_name_cost_one_look_each()
    {
        var search = new SeedNameSearch();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "x" };
        var looks = 0;
        ValueTask<bool> TryTake(string candidate)
        {
            looks++;
            return ValueTask.FromResult(taken.Add(candidate));
        }

        var names = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            names.Add(await search.FindAsync("x", TryTake));
        }

        Assert.Equal(Enumerable.Range(2, 3000).Select(n => $"x-{n}"), names);
        // The name itself, then the first free suffix: two looks each (a quadratic search makes 4.5 million).
        Assert.Equal(2 * 3000, looks);
    }

    [Fact]
    public async Task A_freed_suffix_is_not_searched_again_until_the_name_itself_is_free()
    {
        var search = new SeedNameSearch();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "x" };
        ValueTask<bool> TryTake(string candidate) => ValueTask.FromResult(taken.Add(candidate));

        Assert.Equal("x-2", await search.FindAsync("x", TryTake));
        Assert.Equal("x-3", await search.FindAsync("x", TryTake));
        taken.Remove("x-2");
        Assert.Equal("x-4", await search.FindAsync("x", TryTake));

        // The name is free again: it is given, and the next search starts over.
        taken.Remove("x");
        Assert.Equal("x", await search.FindAsync("x", TryTake));
        Assert.Equal("x-2", await search.FindAsync("x", TryTake));
    }
}
