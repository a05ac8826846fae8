using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Protocol.Tests;

public sealed class NameSkeletonTests
{
    [Theory]
    [InlineData("\u0430lice")] // Cyrillic а
    [InlineData("ａｌｉｃｅ")]
    [InlineData("𝐚𝐥𝐢𝐜𝐞")]
    [InlineData("al\u0131ce")] // dotless ı
    [InlineData("ALICE")]
    public void Lookalikes_of_alice_have_the_key_of_alice(string name) =>
        Assert.Equal(NameSkeletons.Key("alice"), NameSkeletons.Key(name));

    [Theory]
    [InlineData("alice", "alicia")]
    [InlineData("bob", "rob")]
    [InlineData("zoë", "zoe-2")]
    public void Different_names_keep_different_keys(string a, string b) =>
        Assert.NotEqual(NameSkeletons.Key(a), NameSkeletons.Key(b));

    [Theory]
    [InlineData("alice")]
    [InlineData("Zoë_Smith")]
    [InlineData("Ελένη")]
    [InlineData("Наташа")]
    [InlineData("राहुल")]
    [InlineData("山田たろう")] // Han with Hiragana
    [InlineData("tanaka田中")] // Latin with Han
    [InlineData("김민수")]
    [InlineData("user_42")]
    [InlineData("محمد٣")]
    public void One_script_or_Latin_with_an_East_Asian_combination_is_highly_restrictive(string name) =>
        Assert.True(NameSkeletons.IsHighlyRestrictive(name));

    [Theory]
    [InlineData("\u0430lice")] // Cyrillic а in Latin
    [InlineData("pаypal")]
    [InlineData("αlpha")] // Greek α in Latin
    [InlineData("Наташаx")]
    public void Latin_mixed_with_Cyrillic_or_Greek_is_not(string name) =>
        Assert.False(NameSkeletons.IsHighlyRestrictive(name));

    [Theory]
    [InlineData("WebPeerBridge.Protocol.confusables.txt", 6000)]
    [InlineData("WebPeerBridge.Protocol.Scripts.txt", 2000)]
    [InlineData("WebPeerBridge.Protocol.ScriptExtensions.txt", 100)]
    [InlineData("WebPeerBridge.Protocol.ScriptAliases.txt", 150)]
    public void The_shipped_Unicode_data_is_whole(string resource, int atLeast)
    {
        // A data file cut short (a bad copy, a merge) would silently make lookalikes distinct names.
        var lines = NameSkeletons.ReadLines(resource).ToList();

        Assert.True(lines.Count >= atLeast, $"{resource}: {lines.Count} entries");
        Assert.All(lines, line => Assert.Contains(';', line));
    }
}
