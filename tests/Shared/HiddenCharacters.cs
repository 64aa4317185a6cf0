using System.Text;

namespace Vinculo.Testing;

/// <summary>Numbers written as phones write them into exports, with invisible characters. Compiled into both test projects.</summary>
public static class HiddenCharacters
{
    /// <summary>
    /// <paramref name="shown"/> with its spaces or dashes swapped, at random, for characters of <paramref name="hidden"/>
    /// (where the class holds a space or a dash), and one to three more of them anywhere: before, inside or after.
    /// </summary>
    public static string Sprinkle(string shown, string hidden, Random random)
    {
        var spelled = new StringBuilder();
        foreach (var c in shown)
        {
            var swap = (c == ' ' && hidden.Contains(' ', StringComparison.Ordinal)) || (c == '-' && hidden.Contains('-', StringComparison.Ordinal));
            spelled.Append(swap && random.Next(2) == 0 ? hidden[random.Next(hidden.Length)] : c);
        }

        for (var extra = random.Next(1, 4); extra > 0; extra--)
        {
            spelled.Insert(random.Next(spelled.Length + 1), hidden[random.Next(hidden.Length)]);
        }

        return spelled.ToString();
    }
}
