using System.Data.Common;
using System.Text.RegularExpressions;

namespace Vinculo.Jobs;

/// <summary>
/// What a failed run records in <c>job_runs.error</c> and the Error log: the exception's type, the
/// engine's error code, and its first line with anything number-like masked, since drivers quote the
/// values they choke on (a duplicate key, a bad cast) and those can be phone numbers.
/// </summary>
public static partial class ErrorText
{
    public static string Describe(Exception exception)
    {
        var code = exception switch
        {
            DbException { SqlState: { } state } => $" [{state}]",
            DbException { ErrorCode: not 0 } db => $" [{db.ErrorCode}]",
            _ => "",
        };
        var firstLine = exception.Message.Split('\n')[0].Trim();
        return $"{exception.GetType().Name}{code}: {Mask(firstLine)}";
    }

    /// <summary>The text with every number-like run (a phone, an id that could be one) masked.</summary>
    public static string Mask(string text) => NumberLike().Replace(text, "***");

    [GeneratedRegex(@"\+?\d[\d\s().-]{5,}\d", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
