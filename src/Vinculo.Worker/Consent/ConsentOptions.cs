using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Consent;

/// <summary>The <c>Consent</c> section: when consent goes stale, and which replies revoke or grant it.</summary>
public sealed class ConsentOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Consent";

    /// <summary>Consent expires after this many days without an interaction, purchase or renewal.</summary>
    [SettingRange(1, ConsentFreshness.MaxMaxIdleDays)]
    public int MaxIdleDays { get; set; } = ConsentFreshness.DefaultMaxIdleDays;

    /// <summary>Replies that revoke consent; unset means SPEC section 4's list. A configured list replaces it.</summary>
    public string[]? OptOutKeywords { get; set; }

    /// <summary>Replies that grant or renew consent; unset means SPEC section 4's list. A configured list replaces it.</summary>
    public string[]? OptInKeywords { get; set; }

    /// <summary>Consents examined per <c>expire-consents</c> transaction: no million-row transaction.</summary>
    [SettingRange(100, 500_000)]
    public int ExpireBatchSize { get; set; } = 20_000;

    /// <summary>Inbound rows applied per <c>process-inbound</c> transaction.</summary>
    [SettingRange(1, 5_000)]
    public int InboundBatchSize { get; set; } = 1_000;

    public InboundIntentOptions IntentOptions => new() { OptOutKeywords = OptOutKeywords, OptInKeywords = OptInKeywords };

    string ISettingsSection.SectionName => Section;

    /// <summary>The keyword lists, as the classifier would read them; each problem named by its setting.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        InboundIntentClassifier.Check(IntentOptions).Select(problem => SettingProblem.At(KeyOf(problem.List), problem.Kind switch
        {
            KeywordProblemKind.EmptyList => "a lista está vazia; informe ao menos uma palavra-chave (ou remova a configuração para usar as padrão).",
            KeywordProblemKind.Blank => $"o item {problem.Index} ('{problem.Keyword}') fica vazio sem acentos, pontuação e emoji; use uma palavra como 'sair'.",
            _ => $"'{problem.Keyword}' também está em {KeyOf(KeywordList.OptOut)}; uma palavra-chave não pode pedir as duas coisas.",
        }));

    private static string KeyOf(KeywordList list) =>
        $"{Section}:{(list == KeywordList.OptOut ? nameof(OptOutKeywords) : nameof(OptInKeywords))}";
}

/// <summary>The <c>Consent</c> rules: the ranges on <see cref="ConsentOptions"/>' settings and its keyword lists.</summary>
[OptionsValidator]
internal sealed partial class ConsentOptionsValidator : IValidateOptions<ConsentOptions>;
