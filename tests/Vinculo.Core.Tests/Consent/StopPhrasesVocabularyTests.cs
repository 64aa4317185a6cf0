using CsCheck;
using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

/// <summary>
/// The vocabulary shortcut of <see cref="StopPhrases.Match"/> skips the patterns for a message holding a word no request
/// can hold. It must never change an answer: these tests hold the patterns to the shapes the vocabulary reader
/// understands, and compare the shortcut with the full search on messages made of request words and chatter.
/// </summary>
public sealed class StopPhrasesVocabularyTests
{
    private static readonly string[] Chatter = ["pedido", "vestido", "azul", "amanha", "entrega", "42", "almocar", "catalogo", "sai\u00B4", "precisam"];

    [Fact]
    public void Patterns_GlueLettersIntoWordsOnlyInWaysTheVocabularyReads()
    {
        foreach (var pattern in StopPhrases.PatternTexts)
        {
            // No character class, escape or wildcard could make a word that is not written out.
            Assert.DoesNotContain('[', pattern);
            Assert.DoesNotContain('\\', pattern);
            Assert.DoesNotContain('.', pattern);
            for (var open = pattern.IndexOf('(', StringComparison.Ordinal); open >= 0; open = pattern.IndexOf('(', open + 1))
            {
                var group = GroupAt(pattern, open);
                var after = open + group.Length;
                var quantifier = System.Text.RegularExpressions.Regex.Match(pattern[after..], @"^(?:\?|\{\d+,\d+\})").Length;
                var context = pattern[Math.Max(0, open - 10)..Math.Min(pattern.Length, after + quantifier + 10)];
                if (open > 0 && char.IsAsciiLetterLower(pattern[open - 1]))
                {
                    // Letters glued to a group only as an optional suffix of letters ("precisa(?:m)?"), or before a group
                    // whose every branch starts a new word ("como(?: que)?").
                    var suffix = System.Text.RegularExpressions.Regex.IsMatch(group, @"^\(\?:[a-z]+\)$") && quantifier == 1;
                    Assert.True(suffix || Branches(group).All(branch => branch.StartsWith(' ')), $"'{context}': letters glued to the group that follows");
                }

                if (after + quantifier < pattern.Length && char.IsAsciiLetterLower(pattern[after + quantifier]))
                {
                    // A group glued to letters after it ("(?:de|da)s") unless every branch ends a word ("(?:os )?meus").
                    Assert.True(Branches(group).All(branch => branch.EndsWith(' ')), $"'{context}': a group glued to the letters that follow");
                }
            }
        }
    }

    /// <summary>The group opening at <paramref name="open"/>, brackets included.</summary>
    private static string GroupAt(string pattern, int open)
    {
        var depth = 0;
        for (var i = open; i < pattern.Length; i++)
        {
            depth += pattern[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return pattern[open..(i + 1)];
            }
        }

        throw new InvalidOperationException("unbalanced pattern");
    }

    /// <summary>The top-level branches of a non-capturing group's body.</summary>
    private static List<string> Branches(string group)
    {
        var body = group[3..^1];
        var branches = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            depth += body[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0 && body[i] == '|')
            {
                branches.Add(body[start..i]);
                start = i + 1;
            }
        }

        branches.Add(body[start..]);
        return branches;
    }

    [Fact]
    public void Vocabulary_HoldsOptionalSuffixes()
    {
        Assert.Contains("precisa", (IEnumerable<string>)StopPhrases.Vocabulary);
        Assert.Contains("precisam", (IEnumerable<string>)StopPhrases.Vocabulary);
        Assert.Contains("descadastrar", (IEnumerable<string>)StopPhrases.Vocabulary);
        Assert.DoesNotContain("pedido", (IEnumerable<string>)StopPhrases.Vocabulary);
    }

    [Fact]
    public void Shortcut_AgreesWithTheFullSearch_OnRequestWords()
    {
        var words = StopPhrases.Vocabulary.Order(StringComparer.Ordinal).ToArray();
        Gen.OneOf(Gen.OneOf(words), Gen.OneOf(words), Gen.OneOf(words), Gen.OneOf(Chatter)).Array[1, 8]
            .Sample(message => StopPhrases.Match(message) == StopPhrases.MatchAll(message), iter: 20_000);
    }

    [Theory]
    [InlineData("quero sair da lista")]
    [InlineData("nao precisam me mandar mensagem")]
    [InlineData("para de mandar mensagem")]
    [InlineData("me tira da lista")]
    [InlineData("nao tenho interesse")]
    [InlineData("pare nao quero mais receber")]
    public void Shortcut_KeepsRequests(string message)
    {
        var words = message.Split(' ');
        Assert.NotNull(StopPhrases.MatchAll(words));
        Assert.Equal(StopPhrases.MatchAll(words), StopPhrases.Match(words));
    }
}
