using System.Text.Json;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>The three forms of a report, from a report built by hand (no database).</summary>
public sealed class ReportRendererTests
{
    [Fact]
    public void Plain_HasEverySection_InTheBusinessTimeZone_WithNumbersAlignedRight()
    {
        var text = Render(ReportFormat.Plain);

        Assert.StartsWith("Vinculo: estado da base em 2026-11-18 10:17 (horários em America/Sao_Paulo)", text, StringComparison.Ordinal);
        foreach (var heading in new[]
                 {
                     "== Telefones: 1.234 contato(s) ativo(s) por situação do número ==", "== Consentimento (LGPD) por origem ==",
                     "== Lista de supressão: 3 número(s) ==", "== Plano dos próximos dias de envio ==", "== Mensagens por situação",
                     "== Conteúdos: envios e descadastros", "== Conteúdos pausados ==", "== Envio ==", "== Jobs: última execução e última falha ==",
                 })
        {
            Assert.Contains(heading, text, StringComparison.Ordinal);
        }

        var lines = text.Split(Environment.NewLine);
        var header = Array.FindIndex(lines, l => l.StartsWith("situação", StringComparison.Ordinal));
        Assert.Equal("valid           1.200              1.100                      2", lines[header + 3]);
        Assert.Contains(lines, l => l == "2026-11-19          2        2  2026-11-19 09:05  2026-11-19 15:30");
        Assert.Contains("SUSPENSO desde 2026-11-18 09:17 (erro 131048) no nó node-a: spam rate", text, StringComparison.Ordinal);
        Assert.Contains("dispatch-messages, falha em 2026-11-18 10:16: boom", text, StringComparison.Ordinal);
        Assert.Contains("50,0 %", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_ShowsMetasVerdictOnTheNumber_TheLimitItLeaves_AndThePausedTemplatesWithWhenAndWhy()
    {
        var text = Render(ReportFormat.Plain);

        Assert.Contains("== Saúde do número na Meta (qualidade, nível de envio, modelos pausados) ==", text, StringComparison.Ordinal);
        Assert.Contains("Qualidade: SINALIZADO pela Meta (FLAGGED) desde 2026-11-18 05:17", text, StringComparison.Ordinal);
        Assert.Contains("Nível de envio: TIER_2K (informado em 2026-11-15 10:17).", text, StringComparison.Ordinal);
        Assert.Contains("Limite diário em vigor: 125 número(s) (Messaging:DailyLimit 250).", text, StringComparison.Ordinal);
        Assert.Contains(text.Split(Environment.NewLine), l => l.Contains("outono_2026 (pt_BR)", StringComparison.Ordinal)
            && l.Contains("2026-11-18 08:17", StringComparison.Ordinal) && l.Contains("meta_template: Meta PAUSED (FIRST_PAUSE)", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_SaysSoWhenThereIsNothing()
    {
        var report = Sample() with
        {
            Plan = [], Contents = [], PausedContents = [], DispatchHalt = null,
            SenderHealth = new SenderHealthSummary(null, null, false, null, null, null, 250, 250, []),
        };

        using var output = new StringWriter();
        ReportRenderer.Write(report, output, ReportFormat.Plain);

        Assert.Contains("Qualidade: nenhum aviso da Meta recebido.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nível de envio: não informado pela Meta.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nenhum modelo pausado pela Meta.", output.ToString(), StringComparison.Ordinal);

        Assert.Contains("Nada planejado a partir de hoje.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nenhum conteúdo pausado.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Ativo: nenhuma suspensão em aberto.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_DrawsTables_WithoutReadingTextAsMarkup()
    {
        var report = Sample() with { Contents = [new ContentOptOuts(1, "Promo [bold]50%[/]", "active", 0, 0, 0, 0, null)] };

        var text = Render(ReportFormat.Terminal, report);

        Assert.Contains("Telefones", text, StringComparison.Ordinal);
        Assert.Contains("╭", text, StringComparison.Ordinal);
        Assert.Contains("Promo [bold]50%[/]", text, StringComparison.Ordinal);
        Assert.Contains("revalidate-phones", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_OnAnEightyColumnTerminal_KeepsEveryColumnOfEveryRow_WithinTheWidth()
    {
        using var output = new StringWriter();
        ReportRenderer.Write(Sample(), output, ReportFormat.Terminal, width: 80);
        var text = System.Text.RegularExpressions.Regex.Replace(output.ToString(), "\u001b\\[[0-9;?]*[A-Za-z]", "");

        Assert.All(text.Split(Environment.NewLine), line => Assert.True(line.Length <= 80, $"wider than the terminal: {line}"));
        // The jobs table does not fit: each job is listed with all its columns, its failure plainly there.
        var lines = text.Split(Environment.NewLine).Select(l => l.Trim()).ToList();
        var dispatch = lines.IndexOf("dispatch-messages");
        Assert.True(dispatch >= 0, text);
        Assert.Equal(["agenda", "30 * * * * ?"], lines[dispatch + 1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["última execução", "2026-11-18 10:16"], lines[dispatch + 2].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(lines.Skip(dispatch).Take(8), l => l.StartsWith("situação", StringComparison.Ordinal) && l.EndsWith("FALHOU", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(dispatch).Take(8), l => l.StartsWith("última falha", StringComparison.Ordinal) && l.EndsWith("2026-11-18 10:16", StringComparison.Ordinal));
        // What fits stays a table.
        Assert.Contains("╭", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_IsSnakeCase_AndReadsBackToTheSameFigures()
    {
        var json = Render(ReportFormat.Json);

        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(1200, root.GetProperty("contacts").GetProperty("by_phone_status").GetProperty("valid").GetProperty("contacts").GetInt64());
        Assert.Equal(0.5, root.GetProperty("contents")[0].GetProperty("opt_out_rate").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("contents")[1].GetProperty("opt_out_rate").ValueKind);
        Assert.Equal(3, root.GetProperty("messages").GetProperty("last_7_days").GetProperty("by_sent_as").GetProperty("template").GetInt64());
        Assert.Contains("\"paused_reason\": \"opt-outs acima do limite\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"Reposição\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseFormat_IsJsonWhenAsked_PlainForAnyWriterButTheConsole()
    {
        using var writer = new StringWriter();

        Assert.Equal(ReportFormat.Json, ReportRenderer.ChooseFormat(writer, json: true));
        Assert.Equal(ReportFormat.Plain, ReportRenderer.ChooseFormat(writer, json: false));
        Assert.Equal(
            Console.IsOutputRedirected ? ReportFormat.Plain : ReportFormat.Terminal,
            ReportRenderer.ChooseFormat(Console.Out, json: false));
    }

    private static string Render(ReportFormat format, VinculoReport? report = null)
    {
        using var output = new StringWriter();
        ReportRenderer.Write(report ?? Sample(), output, format);
        return output.ToString();
    }

    internal static VinculoReport Sample()
    {
        var statuses = ReportBuilder.PhoneStatusOrder.ToDictionary(
            s => s, s => s == "valid" ? new PhoneStatusFigures(1200, 1100, 2) : new PhoneStatusFigures(s == "invalid" ? 34 : 0, 0, 0));
        var sources = ReportBuilder.ConsentSourceOrder.ToDictionary(s => s, s => new ConsentCounts(s == "form" ? 1000 : 10, 5, 2));
        var counts = new MessageCounts(
            10,
            ReportBuilder.MessageStatusOrder.ToDictionary(s => s, s => s == "sent" ? 7L : 0L),
            ReportBuilder.SentAsOrder.ToDictionary(s => s, s => s == "template" ? 3L : 4L));
        return new VinculoReport(
            1,
            Now,
            "America/Sao_Paulo",
            new ContactHealth(1234, statuses),
            new ConsentFunnel(1040, 25, 10, 159, sources),
            new SuppressionSummary(3, [new SuppressionReason("import", 2), new SuppressionReason("opt_out", 1)]),
            [new PlannedDay(new DateOnly(2026, 11, 19), 2, 2, At("2026-11-19T12:05:00Z"), At("2026-11-19T18:30:00Z"))],
            new MessageSummary(7, Now.AddDays(-7), counts, counts),
            [new ContentOptOuts(1, "Reposição", "active", 2, 4, 4, 2, 0.5), new ContentOptOuts(2, "Natal", "paused", 0, 0, 0, 0, null)],
            [new PausedContent(2, "Natal", Now.AddDays(-1), "opt-outs acima do limite")],
            new HaltSummary(Now.AddHours(-1), 131048, "spam rate", "node-a"),
            new SenderHealthSummary(
                "FLAGGED", Now.AddHours(-5), true, Now.AddHours(-5), "TIER_2K", Now.AddDays(-3), 250, 125,
                [new PausedTemplateSummary(3, "Outono", "outono_2026", "pt_BR", Now.AddHours(-2), "meta_template: Meta PAUSED (FIRST_PAUSE)")]),
            [
                new JobStatus("dispatch-messages", true, "30 * * * * ?", Now.AddMinutes(-2), Run("failed", Now.AddMinutes(-1), "boom"), Run("failed", Now.AddMinutes(-1), "boom")),
                new JobStatus("revalidate-phones", true, "0 0 2 * * ?", Now.AddHours(-8), Run("succeeded", Now.AddHours(-8), null), null),
                new JobStatus("retention", false, "0 0 4 ? * SUN", null, null, null),
            ]);

        static JobRunSummary Run(string status, DateTimeOffset at, string? error) => new(1, status, "node-a", at, at.AddSeconds(3), 3, error);
    }
}
