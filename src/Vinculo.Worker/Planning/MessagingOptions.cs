using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Planning;

/// <summary>The <c>Messaging</c> section: what <c>plan-messages</c> may queue, for whom, and when.</summary>
public sealed class MessagingOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Messaging";

    /// <summary>Largest <see cref="DailyLimit"/>: the planner keeps the day's best messages in memory until it has seen everyone.</summary>
    public const int MaxDailyLimit = 1_000_000;

    /// <summary>No message to a number within this many days (before or after) of another one.</summary>
    [SettingRange(1, FrequencyCap.MaxDays, ErrorMessage = "'{0}' deve estar entre {1} e {2} dias.")]
    public int FrequencyCapDays { get; set; } = FrequencyCap.DefaultDays;

    /// <summary>A person's best content is queued only when its relevance reaches this (0–1).</summary>
    [SettingRange(0.0, 1.0, ErrorMessage = "'{0}' deve ser um número entre 0 e 1 (ex.: 0.35).")]
    public double MinRelevance { get; set; } = 0.35;

    /// <summary>Business-initiated messages per send day, all contents together; the most relevant go first.</summary>
    [SettingRange(1, MaxDailyLimit)]
    public int DailyLimit { get; set; } = 250;

    /// <summary>The hour (0–23, in the contact's zone) of people whose habit is not known yet.</summary>
    public int DefaultHour { get; set; } = 10;

    /// <summary>Weekdays and local hours messages may go out in, in each contact's own time zone.</summary>
    public string SendWindow { get; set; } = Planning.SendWindow.DefaultText;

    /// <summary>ISO dates (2026-12-24) on which nothing is sent, besides national holidays.</summary>
    public string[] BlockedDates { get; set; } = [];

    /// <summary>The opt-out line added to bodies that do not already say how to stop; unset is the renderer's default.</summary>
    public string? OptOutFooter { get; set; }

    /// <summary><c>Messaging:Weights:*</c>.</summary>
    public RelevanceWeights Weights { get; set; } = new();

    /// <summary>Contacts read and evaluated per batch.</summary>
    [SettingRange(100, 100_000)]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>The window and blocked dates, parsed; throws when invalid (the start-up check reports it first).</summary>
    public SendWindow ParseWindow() =>
        Planning.SendWindow.TryParse(SendWindow, BlockedDates, out var window, out var errors)
            ? window
            : throw new OptionsValidationException(Section, typeof(MessagingOptions), errors.Select(e => $"{WindowKeyOf(e)}: {e.Message}"));

    public HabitualHourOptions HourOptions => new() { DefaultHour = DefaultHour };

    string ISettingsSection.SectionName => Section;

    /// <summary>The rules of the planning core, each problem named by the setting its input came from.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Only the default hour of the habit's knobs is a setting; the others keep the core's defaults.
        foreach (var problem in HourOptions.Validate())
        {
            yield return SettingProblem.At(problem.Input == nameof(HabitualHourOptions.DefaultHour) ? $"{Section}:{nameof(DefaultHour)}" : $"{Section}:HabitualHour:{problem.Input}", problem.Message);
        }

        if (!Planning.SendWindow.TryParse(SendWindow, BlockedDates, out _, out var windowErrors))
        {
            foreach (var problem in windowErrors)
            {
                yield return SettingProblem.At(WindowKeyOf(problem), problem.Message);
            }
        }

        foreach (var problem in MessageRenderer.ValidateFooter(OptOutFooter))
        {
            yield return SettingProblem.At($"{Section}:{nameof(OptOutFooter)}", problem);
        }

        foreach (var problem in (Weights ?? new RelevanceWeights()).Validate())
        {
            var weights = $"{Section}:{nameof(Weights)}";
            yield return SettingProblem.At(problem.Input == RelevanceWeights.WholeInput ? weights : $"{weights}:{problem.Input}", problem.Message);
        }
    }

    /// <summary>The key of a problem <see cref="Planning.SendWindow.TryParse"/> found: the window, or a blocked-dates entry.</summary>
    private static string WindowKeyOf(InputProblem problem) => problem.Input == Planning.SendWindow.BlockedDatesInput
        ? $"{Section}:{nameof(BlockedDates)}:{problem.Index}"
        : $"{Section}:{nameof(SendWindow)}";
}

[OptionsValidator]
internal sealed partial class MessagingOptionsValidator : IValidateOptions<MessagingOptions>;
