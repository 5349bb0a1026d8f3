package org.dfbk.cli;

import java.io.PrintWriter;
import org.dfbk.cli.command.BenchCommand;
import org.dfbk.cli.command.ConfigCommand;
import org.dfbk.cli.command.DataCommand;
import org.dfbk.cli.command.DemoCommand;
import org.dfbk.cli.command.EvalCommand;
import org.dfbk.cli.command.InfoCommand;
import org.dfbk.cli.command.KnowledgeCommand;
import org.dfbk.cli.command.ModelCommand;
import org.dfbk.cli.command.PhantomCommand;
import org.dfbk.cli.command.TrainCommand;
import org.dfbk.cli.command.TranslateCommand;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.core.error.DfbkException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code dfbk} root command and the one factory that builds the command line. */
@Command(
    name = "dfbk",
    mixinStandardHelpOptions = true,
    versionProvider = Versions.class,
    description = {
      "DFBK medical image translation on Deep Java Library + PyTorch.",
      "ResShift diffusion on a SwinUNet with Dynamic Frequency Balance and Knowledge Guidance."
    },
    subcommands = {
      InfoCommand.class,
      DemoCommand.class,
      PhantomCommand.class,
      DataCommand.class,
      KnowledgeCommand.class,
      ModelCommand.class,
      TrainCommand.class,
      TranslateCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:internal error (rerun with -v and report the stack trace)",
      "2:usage or configuration error",
      "3:data error (unreadable or inconsistent input files)"
    })
public final class Cli implements Runnable {
  @Spec CommandSpec spec;

  @Mixin LoggingMixin logging; // the root's instance holds -v/-q for the whole line

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with the given writers (tests capture output through them). */
  public static CommandLine create(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Cli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpWidth(100); // the commands' descriptions are written in lines of up to 100
    cl.setExecutionStrategy(LoggingMixin::executionStrategy);
    cl.setExitCodeExceptionMapper(ExitCode.MAPPER);
    cl.setExecutionExceptionHandler(Cli::handleException);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("dfbk: " + ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
        c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
      }
      c.getErr().flush();
      return ExitCode.of(ex);
    });
    return cl;
  }

  /** Runs the CLI and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    int code = create(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Prints the error (its message; the stack trace under -v) and maps it to the exit code. */
  private static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult pr) {
    PrintWriter err = cl.getErr();
    boolean verbose = LoggingMixin.of(cl.getCommandSpec()).isVerbose();
    DfbkException d = firstDfbkError(ex);
    if (d != null) {
      // library errors name their settings (TrainerConfig.batchSize); the user wrote config keys
      err.println("dfbk " + cl.getCommandName() + ": " + ConfigMapper.translate(d.getMessage()));
    } else {
      err.println("dfbk " + cl.getCommandName() + ": internal error: "
          + ex.getClass().getSimpleName()
          + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
      if (!verbose) {
        err.println("(rerun with -v for the stack trace)");
      }
    }
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCode.of(ex);
  }

  /** The first dfbk error in the cause chain (a library error wrapped by a framework), or null. */
  private static DfbkException firstDfbkError(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DfbkException d) {
        return d;
      }
    }
    return null;
  }
}
