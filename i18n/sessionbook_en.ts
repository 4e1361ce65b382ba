<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CapturePage</name>
    <message numerus="yes">
        <source>Stopped · %n item(s) to resolve before signing</source>
        <translation>
            <numerusform>Stopped · %n item to resolve before signing</numerusform>
            <numerusform>Stopped · %n items to resolve before signing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The draft is saved. %n item(s) still block signing.</source>
        <translation>
            <numerusform>The draft is saved. %n item still blocks signing.</numerusform>
            <numerusform>The draft is saved. %n items still block signing.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseloadWarnings</name>
    <message numerus="yes">
        <source>Auth: %n visit(s) left, expires %1</source>
        <translation>
            <numerusform>Auth: %n visit left, expires %1</numerusform>
            <numerusform>Auth: %n visits left, expires %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorWords</name>
    <message numerus="yes">
        <source>Use at least %n character(s).</source>
        <translation>
            <numerusform>Use at least %n character.</numerusform>
            <numerusform>Use at least %n characters.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message numerus="yes">
        <source>%1 Try again in %n second(s).</source>
        <translation>
            <numerusform>%1 Try again in %n second.</numerusform>
            <numerusform>%1 Try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncHeader</name>
    <message numerus="yes">
        <source>Not connected · %n waiting on this device</source>
        <translation>
            <numerusform>Not connected · %n waiting on this device</numerusform>
            <numerusform>Not connected · %n waiting on this device</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to sync · %1</source>
        <translation>
            <numerusform>%n to sync · %1</numerusform>
            <numerusform>%n to sync · %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Lock after %n idle minute(s)</source>
        <translation>
            <numerusform>Lock after %n idle minute</numerusform>
            <numerusform>Lock after %n idle minutes</numerusform>
        </translation>
    </message>
</context>
</TS>
