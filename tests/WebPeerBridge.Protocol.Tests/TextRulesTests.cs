using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Protocol.Tests;

public class TextRulesTests
{
    private const int Max = ProtocolLimits.MaxTextLength;

    // ---- NormalizeText ----

    [Fact]
    public void Clean_text_is_valid_and_kept_as_the_same_instance()
    {
        var text = "hello Zoë 👋\n\tindented";

        var result = TextRules.NormalizeText(text, Max, out var normalized);

        Assert.True(result.IsValid);
        Assert.Null(result.ErrorCode);
        Assert.Same(text, normalized);
    }

    [Theory]
    [InlineData("a\u0000b", "ab")]
    [InlineData("a\u0001b\u0007c\u001fd", "abcd")]
    [InlineData("line\r\nnext", "line\nnext")]
    [InlineData("\u001b[31mred\u001b[0m", "[31mred[0m")]
    [InlineData("del\u007fete", "delete")]
    [InlineData("c1\u0085\u009fcontrols", "c1controls")]
    [InlineData("keep\nnewline\tand tab", "keep\nnewline\tand tab")]
    [InlineData("\u0000x\u0000", "x")]
    public void Control_characters_other_than_newline_and_tab_are_removed(string text, string expected)
    {
        var result = TextRules.NormalizeText(text, Max, out var normalized);

        Assert.True(result.IsValid);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("refused\u001b[2J", "refused[2J")]
    [InlineData("line one\n2026-12-04 warn: forged entry", "line one 2026-12-04 warn: forged entry")]
    [InlineData("tab\tand \u202Eover", "tab and over")]
    [InlineData(null, "")]
    public void A_remote_text_for_the_log_is_one_line_without_controls(string? text, string logged) =>
        Assert.Equal(logged, TextRules.ForLog(text));

    [Fact]
    public void Text_that_needed_cleaning_is_a_new_instance()
    {
        var text = "a\u0001b";

        TextRules.NormalizeText(text, Max, out var normalized);

        Assert.NotSame(text, normalized);
        Assert.Equal("a\u0001b", text);
    }

    [Fact]
    public void Joiners_and_emoji_sequences_are_kept()
    {
        var text = "👩🏽‍💻 \u200d\u200b\u200e שלום";

        TextRules.NormalizeText(text, Max, out var normalized);

        Assert.Same(text, normalized);
    }

    [Theory]
    [InlineData("invoice_\u202Egpj.exe", "invoice_gpj.exe")]
    [InlineData("\u202Aembed\u202B\u202C\u202D", "embed")]
    [InlineData("\u2066isolate\u2067\u2068\u2069 end", "isolate end")]
    public void Bidirectional_embedding_override_and_isolate_controls_are_removed(string text, string expected)
    {
        var result = TextRules.NormalizeText(text, Max, out var normalized);

        Assert.True(result.IsValid);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t\n  ")]
    [InlineData("\u00a0\u2003\u3000")]
    [InlineData("\r\n")]
    [InlineData("\u0001\u0002")]
    [InlineData(" \u0000 ")]
    public void Empty_or_white_space_only_text_is_empty_text(string? text)
    {
        var result = TextRules.NormalizeText(text, Max, out var normalized);

        Assert.False(result.IsValid);
        Assert.Equal(ErrorCodes.EmptyText, result.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.NotNull(normalized);
    }

    [Fact]
    public void Text_of_exactly_4000_characters_is_valid()
    {
        Assert.True(TextRules.NormalizeText(new string('a', Max), Max, out _).IsValid);
    }

    [Fact]
    public void Text_of_4001_characters_is_text_too_long()
    {
        var result = TextRules.NormalizeText(new string('a', Max + 1), Max, out _);

        Assert.Equal(ErrorCodes.TextTooLong, result.ErrorCode);
        Assert.Contains("4001", result.Message!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_surrogate_pair_counts_as_one_character()
    {
        var fourThousandEmoji = string.Concat(Enumerable.Repeat("👋", Max));
        Assert.Equal(2 * Max, fourThousandEmoji.Length);

        Assert.True(TextRules.NormalizeText(fourThousandEmoji, Max, out _).IsValid);
        Assert.Equal(ErrorCodes.TextTooLong, TextRules.NormalizeText(fourThousandEmoji + "👋", Max, out _).ErrorCode);
        Assert.Equal(ErrorCodes.TextTooLong, TextRules.NormalizeText(fourThousandEmoji + "a", Max, out _).ErrorCode);
    }

    [Fact]
    public void Removed_control_characters_do_not_count_toward_the_limit()
    {
        var text = new string('a', Max) + new string('\u0001', 10);

        var result = TextRules.NormalizeText(text, Max, out var normalized);

        Assert.True(result.IsValid);
        Assert.Equal(Max, normalized.Length);
    }

    [Fact]
    public void The_limit_is_a_parameter()
    {
        Assert.True(TextRules.NormalizeText("abc", 3, out _).IsValid);
        Assert.Equal(ErrorCodes.TextTooLong, TextRules.NormalizeText("abcd", 3, out _).ErrorCode);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("Zoë", 3)]
    [InlineData("名前", 2)]
    [InlineData("👋", 1)]
    [InlineData("a👋b👋", 4)]
    [InlineData("👩🏽‍💻", 4)]
    [InlineData("\\ud83d", 1)]
    [InlineData("\\udc4b", 1)]
    [InlineData("\\udc4b\\ud83d", 2)]
    [InlineData("a\\udc4bb", 3)]
    [InlineData("\\ud83d\\ud83d\\udc4b", 2)]
    [InlineData("\\ud83d\\udc4b\\udc4b", 2)]
    public void CountScalars_counts_a_surrogate_pair_as_one_and_a_lone_surrogate_as_one(string text, int expected)
    {
        Assert.Equal(expected, TextRules.CountScalars(Wire.Unescape(text)));
    }

    [Fact]
    public void Lone_low_surrogates_count_toward_the_text_limit()
    {
        var text = new string('\udc00', Max + 1);

        Assert.Equal(ErrorCodes.TextTooLong, TextRules.NormalizeText(text, Max, out _).ErrorCode);
    }

    // ---- ValidateName ----

    [Theory]
    [InlineData("alice")]
    [InlineData("Zoë")]
    [InlineData("Ωμέγα")]
    [InlineData("名前")]
    [InlineData("Привет")]
    [InlineData("مرحبا")]
    [InlineData("a.b_c-d")]
    [InlineData("42")]
    [InlineData("٣٤")]
    [InlineData("...")]
    [InlineData("-_-")]
    [InlineData("x")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名")]
    [InlineData("𝒜𝒷𝒸")]
    [InlineData("Zoe\u0308")] // a decomposed ë: marks belong to the letter before them
    [InlineData("राहुल")]
    public void Letters_and_digits_of_any_script_dots_underscores_and_dashes_are_a_valid_name(string name)
    {
        var result = TextRules.ValidateName(name);

        Assert.True(result.IsValid, result.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Zoë Smith")]
    [InlineData(" alice")]
    [InlineData("alice ")]
    [InlineData("a@b")]
    [InlineData("alice👋")]
    [InlineData("👋")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\u0000")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a;peer_port=1")]
    [InlineData("<b>")]
    [InlineData("a\u200bb")]
    [InlineData("\u0308Zoe")] // a mark with no letter before it
    [InlineData("a_\u0308")]
    [InlineData("Ⅻ")]
    [InlineData("½")]
    [InlineData("\\ud83d")]
    [InlineData("a\\udc4b")]
    [InlineData("\\udc4b\\ud83d")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void Anything_else_is_invalid_name(string? name)
    {
        var result = TextRules.ValidateName(name is null ? null : Wire.Unescape(name));

        Assert.False(result.IsValid);
        Assert.Equal(ErrorCodes.InvalidName, result.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public void Name_length_counts_scalars_so_32_emoji_sized_letters_are_valid()
    {
        // U+1D49C MATHEMATICAL SCRIPT CAPITAL A is a letter outside the BMP: two UTF-16 units, one scalar.
        var name = string.Concat(Enumerable.Repeat("𝒜", ProtocolLimits.MaxNameLength));

        Assert.True(TextRules.ValidateName(name).IsValid);
        Assert.Equal(ErrorCodes.InvalidName, TextRules.ValidateName(name + "𝒜").ErrorCode);
    }

    [Fact]
    public void Name_limit_is_a_parameter()
    {
        Assert.True(TextRules.ValidateName("abc", 3).IsValid);
        Assert.False(TextRules.ValidateName("abcd", 3).IsValid);
    }

    // ---- AdaptName ----

    [Theory]
    [InlineData("Zoë Smith", "Zoë_Smith")]
    [InlineData("alice", "alice")]
    [InlineData("", "guest")]
    [InlineData(null, "guest")]
    [InlineData("   ", "guest")]
    [InlineData("@@@", "guest")]
    [InlineData("👋", "guest")]
    [InlineData("a@b.c", "ab.c")]
    [InlineData("bob@example.com", "bobexample.com")]
    [InlineData("  padded  ", "padded")]
    [InlineData("two  spaces", "two__spaces")]
    [InlineData("tab\there", "tab_here")]
    [InlineData("名前 Ωμέγα", "名前_")]
    [InlineData("p\u0430yp\u0430l", "pypl")]
    [InlineData("hi👋there", "hithere")]
    [InlineData("a\u0000b", "ab")]
    public void AdaptName_turns_any_text_into_a_valid_name(string? raw, string expected)
    {
        var adapted = TextRules.AdaptName(raw);

        Assert.Equal(expected, adapted);
        Assert.True(TextRules.ValidateName(adapted).IsValid);
    }

    [Fact]
    public void AdaptName_cuts_to_32_characters()
    {
        var adapted = TextRules.AdaptName(new string('a', 40));

        Assert.Equal(new string('a', 32), adapted);
    }

    [Fact]
    public void AdaptName_counts_only_kept_characters_toward_the_limit()
    {
        var adapted = TextRules.AdaptName(string.Concat(Enumerable.Repeat("@b", 40)));

        Assert.Equal(new string('b', 32), adapted);
    }

    [Fact]
    public void AdaptName_cuts_by_scalars_and_never_inside_a_surrogate_pair()
    {
        var adapted = TextRules.AdaptName(string.Concat(Enumerable.Repeat("𝒜", 40)));

        Assert.Equal(32, TextRules.CountScalars(adapted));
        Assert.True(TextRules.ValidateName(adapted).IsValid);
    }

    [Fact]
    public void AdaptName_result_is_valid_for_random_input()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x10000);
            }

            var adapted = TextRules.AdaptName(new string(chars));
            Assert.True(TextRules.ValidateName(adapted).IsValid, $"'{adapted}' from {string.Join(' ', chars.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
    }

    // ---- ValidateHost ----

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.20")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("2001:db8::ff00:42:8329")]
    [InlineData("localhost")]
    [InlineData("my-laptop.local")]
    [InlineData("under_score.example.com")]
    [InlineData("xn--bcher-kva.example")]
    public void Ip_addresses_and_dns_names_are_valid_hosts(string? host)
    {
        Assert.True(TextRules.ValidateHost(host).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("my laptop")]
    [InlineData("host\n")]
    [InlineData("evil.com/path")]
    [InlineData("user@host")]
    [InlineData("bücher.example")]
    [InlineData("a;b")]
    [InlineData("http://host")]
    public void Anything_else_is_an_invalid_host(string host)
    {
        var result = TextRules.ValidateHost(host);

        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public void A_host_of_253_characters_is_valid_and_254_is_not()
    {
        Assert.True(TextRules.ValidateHost(new string('a', ProtocolLimits.MaxHostLength)).IsValid);
        Assert.Equal(ErrorCodes.BadFrame, TextRules.ValidateHost(new string('a', ProtocolLimits.MaxHostLength + 1)).ErrorCode);
    }

    // ---- ValidateId ----

    [Theory]
    [InlineData(null)]
    [InlineData("c-17")]
    [InlineData("d-5")]
    [InlineData("x")]
    [InlineData("550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("with space")]
    [InlineData("Zoë-👋")]
    public void Ids_of_1_to_64_characters_without_control_characters_are_valid(string? id)
    {
        Assert.True(TextRules.ValidateId(id).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    [InlineData("a\tb")]
    [InlineData("\u0000")]
    [InlineData("a\u001f")]
    public void Empty_ids_and_ids_with_control_characters_are_bad_frame(string id)
    {
        var result = TextRules.ValidateId(id);

        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public void An_id_of_64_characters_is_valid_and_65_is_not()
    {
        Assert.True(TextRules.ValidateId(new string('i', ProtocolLimits.MaxIdLength)).IsValid);
        Assert.Equal(ErrorCodes.BadFrame, TextRules.ValidateId(new string('i', ProtocolLimits.MaxIdLength + 1)).ErrorCode);
    }

    // ---- IsValidPort ----

    [Theory]
    [InlineData(1, true)]
    [InlineData(1234, true)]
    [InlineData(40000, true)]
    [InlineData(65535, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(65536, false)]
    [InlineData(null, false)]
    public void Ports_are_1_to_65535(int? port, bool valid)
    {
        Assert.Equal(valid, TextRules.IsValidPort(port));
    }
}
