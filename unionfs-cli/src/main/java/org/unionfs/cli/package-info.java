/**
 * The {@code unionfs} command line ({@code unionfs.jar}, run by {@code bin/unionfs}): one picocli command
 * per graphdriver operation, each opening the driver through the registry, doing one thing and closing it.
 *
 * <p>{@link org.unionfs.cli.Main} is the entry point; {@code UnionfsCommand} holds the global options
 * ({@code --driver}, {@code --home}, {@code -o}) and the command table. State of the command line itself
 * (the references {@code get} took, which outlive the process) lives in {@code <home>/.unionfs-cli/}, never
 * in a driver's home. The reference for users is {@code docs/cli.md}.
 */
package org.unionfs.cli;
