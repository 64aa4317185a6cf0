using Microsoft.Extensions.Options;

namespace Vinculo.Consent;

/// <summary>The <c>Consent</c> section: when consent goes stale, and which replies revoke or grant it.</summary>
public sealed class ConsentOptions
{
    public const string Section = "Consent";

    /// <summary>Consent expires after this many days without an interaction, purchase or renewal.</summary>
    public int MaxIdleDays { get; set; } = ConsentFreshness.DefaultMaxIdleDays;

    /// <summary>Replies that revoke consent; unset means SPEC section 4's list. A configured list replaces it.</summary>
    public string[]? OptOutKeywords { get; set; }

    /// <summary>Replies that grant or renew consent; unset means SPEC section 4's list. A configured list replaces it.</summary>
    public string[]? OptInKeywords { get; set; }

    /// <summary>Consents examined per <c>expire-consents</c> transaction: no million-row transaction.</summary>
    public int ExpireBatchSize { get; set; } = 20_000;

    /// <summary>Inbound rows applied per <c>process-inbound</c> transaction.</summary>
    public int InboundBatchSize { get; set; } = 1_000;

    public InboundIntentOptions IntentOptions => new() { OptOutKeywords = OptOutKeywords, OptInKeywords = OptInKeywords };
}

internal sealed class ConsentOptionsValidator : IValidateOptions<ConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentOptions options)
    {
        var failures = new List<string>();
        if (options.MaxIdleDays is < 1 or > ConsentFreshness.MaxMaxIdleDays)
        {
            failures.Add($"Consent:MaxIdleDays: '{options.MaxIdleDays}' deve estar entre 1 e {ConsentFreshness.MaxMaxIdleDays}.");
        }

        try
        {
            _ = new InboundIntentClassifier(options.IntentOptions);
        }
        catch (ArgumentException e)
        {
            failures.AddRange(e.Message.Split(Environment.NewLine).Where(line => line.StartsWith("Consent:", StringComparison.Ordinal)));
        }

        if (options.ExpireBatchSize is < 100 or > 500_000)
        {
            failures.Add($"Consent:ExpireBatchSize: '{options.ExpireBatchSize}' deve estar entre 100 e 500000.");
        }

        if (options.InboundBatchSize is < 1 or > 5_000)
        {
            failures.Add($"Consent:InboundBatchSize: '{options.InboundBatchSize}' deve estar entre 1 e 5000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
